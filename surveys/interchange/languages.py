"""Language codes and names: XLSForm's ``label::English (en)`` headers and Anketa's codes."""

from __future__ import annotations

import functools
import re

from babel import Locale

#: Anketa language codes: ``ru``, ``en``, ``pt-BR``, ``zh-Hans`` (at most 8 characters).
LANGUAGE_CODE = re.compile(r'[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*')
MAX_CODE_LENGTH = 8

# ``English (en)``: a name, then the code in parentheses (XLSForm's recommended spelling).
_NAMED = re.compile(r'(?P<name>.*?)\s*\((?P<code>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\)\s*')
_CYRILLIC = re.compile('[\u0400-\u04ff]')
_LATIN = re.compile('[A-Za-z]')


def normal_code(text: str) -> str | None:
    """``'EN'`` -> ``'en'``, ``'pt_br'`` -> ``'pt-BR'``; None if it is not a language code."""
    parts = text.strip().replace('_', '-').split('-')
    if not parts[0].isalpha() or not 2 <= len(parts[0]) <= 3:
        return None
    code = '-'.join([parts[0].lower()] + [part.upper() if len(part) == 2 else part.title()
                                          for part in parts[1:]])
    if not LANGUAGE_CODE.fullmatch(code) or len(code) > MAX_CODE_LENGTH:
        return None
    return code


@functools.lru_cache(maxsize=1)
def _codes_by_name() -> dict:
    """Lower-cased English and Russian language names -> codes (``'english'`` -> ``'en'``)."""
    names = {}
    for locale in ('en', 'ru'):
        for code, name in Locale(locale).languages.items():
            if '_' not in code:
                names.setdefault(name.lower(), code)
    return names


def language_name(code: str) -> str:
    """The English name of a language code (``'ru'`` -> ``'Russian'``), or the code itself."""
    names = Locale('en').languages
    return names.get(code) or names.get(code.split('-')[0]) or code


def header_language(text: str) -> str | None:
    """The code named by the language part of a header: ``English (en)``, ``English``, ``en``.

    None when it names no known language.
    """
    text = text.strip()
    match = _NAMED.fullmatch(text)
    if match:
        return normal_code(match.group('code'))
    by_name = _codes_by_name().get(text.lower())
    if by_name:
        return by_name
    code = normal_code(text)
    if code and code.split('-')[0] in Locale('en').languages:
        return code
    return None


def header(base: str, code: str) -> str:
    """``header('label', 'en')`` -> ``'label::English (en)'``."""
    return f'{base}::{language_name(code)} ({code})'


def guess_language(texts) -> str:
    """``'ru'`` when the texts are mostly Cyrillic, else ``'en'`` (for forms naming no language)."""
    cyrillic = latin = 0
    for text in texts:
        cyrillic += len(_CYRILLIC.findall(text))
        latin += len(_LATIN.findall(text))
    return 'ru' if cyrillic > latin else 'en'
