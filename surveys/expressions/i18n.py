"""Translation hook for the messages of the expression language.

The package must not import Flask, so messages are marked with ``_`` from here. By default it is
the identity; the web layer swaps it for Flask-Babel's lazy gettext with :func:`set_translator`.
Because templates are looked up at the moment a message is built, a swapped translator takes effect
for every message built afterwards.
"""

from __future__ import annotations

from typing import Callable

_translator: Callable[[str], str] = lambda text: text


def _(text: str) -> str:
    """Translate a message template (identity until :func:`set_translator` is called)."""
    return _translator(text)


def set_translator(translator: Callable[[str], str] | None) -> None:
    """Route every message template through ``translator`` (``None`` restores the identity)."""
    global _translator
    if translator is not None and not callable(translator):
        raise TypeError('translator must be callable or None')
    _translator = translator if translator is not None else (lambda text: text)
