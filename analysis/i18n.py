"""Translation hook for the analysis library's messages.

``analysis`` must not import Flask, so messages are marked with ``_`` from here. It is the
identity until the web layer routes it through Flask-Babel with :func:`set_translator`; messages
carry ``%(name)s`` placeholders and are formatted after translation.
"""

from __future__ import annotations

from typing import Callable

_translator: Callable[[str], str] = lambda text: text


def _(text: str, **values) -> str:
    """Translate a message template, then fill its ``%(name)s`` placeholders."""
    translated = _translator(text)
    return translated % values if values else translated


def set_translator(translator: Callable[[str], str] | None) -> None:
    """Route every message template through ``translator`` (``None`` restores the identity)."""
    global _translator
    if translator is not None and not callable(translator):
        raise TypeError('translator must be callable or None')
    _translator = translator if translator is not None else (lambda text: text)
