"""Piping: putting earlier answers into question texts (``How satisfied are you with ${brand}?``).

Only plain ``${name}`` references are replaced; anything else in the text stays as written.
:func:`pipe` returns plain text: escaping it for HTML is the template's job.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

#: A variable name, as in the expression grammar.
IDENTIFIER = r'[A-Za-z_][A-Za-z0-9_]*'
_REFERENCE = re.compile(r'\$\{(' + IDENTIFIER + r')\}')


def piped_variables(text: str) -> list:
    """Names referenced as ``${name}`` in ``text``, each once, in order of first appearance."""
    if not isinstance(text, str):
        raise TypeError(f'text must be a str, not {type(text).__name__}')
    return list(dict.fromkeys(match.group(1) for match in _REFERENCE.finditer(text)))


def display_value(name: str, value: Any) -> str:
    """The default display of a piped value: '' for no answer, lists joined with ', ', else str()."""
    if value is None:
        return ''
    if isinstance(value, (list, tuple)):
        return ', '.join(str(item) for item in value)
    return str(value)


def pipe(text: str, values: Mapping[str, Any],
         formatter: Callable[[str, Any], str] | None = None) -> str:
    """Replace every ``${name}`` in ``text`` with the display of ``values[name]``.

    Parameters
    ----------
    text : str
        A question, option or message text.
    values : Mapping
        Answers by variable name; a name not in it is shown as if unanswered.
    formatter : callable, optional
        ``formatter(name, value) -> str``, e.g. to show an option's label instead of its code or
        to format numbers and dates for the respondent's locale. Defaults to :func:`display_value`.

    Returns
    -------
    str
        Plain text, not HTML-escaped.
    """
    if not isinstance(text, str):
        raise TypeError(f'text must be a str, not {type(text).__name__}')
    if not isinstance(values, Mapping):
        raise TypeError(f'values must be a mapping, not {type(values).__name__}')
    format_value = formatter if formatter is not None else display_value
    if not callable(format_value):
        raise TypeError('formatter must be callable or None')

    def replacement(match):
        name = match.group(1)
        shown = format_value(name, values.get(name))
        return '' if shown is None else str(shown)

    return _REFERENCE.sub(replacement, text)
