"""The normal form of a definition: what an XLSForm round trip gives back.

JSON keeps a definition exactly. A spreadsheet cannot say "no ``settings`` key" or "an empty
text in Russian", so ``import_xlsform(export_xlsform(d)) == normalise(d)``:

- every question has ``variable``, ``type``, ``text``, ``settings``, ``options`` and ``rows``
  (as the builder's ``new_spec`` makes them); options and rows have ``code``, ``label`` and
  ``settings``;
- texts keep only non-blank entries in the questionnaire's languages (a blank text counts as
  missing everywhere in Anketa);
- texts that only repeat what Anketa shows anyway are left empty: options equal to the type's
  default scale (Likert, importance, yes/no, consent), an NPS text that reads as the standard
  wording (with or without ``{brand}`` filled in), and a semantic-differential pair label
  equal to "left – right".
"""

from __future__ import annotations

import copy

from surveys.questions import UnknownQuestionType, get_type

_TOP = ('format', 'format_version', 'title', 'languages', 'default_language', 'settings',
        'option_lists', 'questions')


def clean_text(mapping, languages) -> dict:
    """The non-blank texts of a ``{lang: text}`` mapping, in ``languages`` order."""
    if not isinstance(mapping, dict):
        return {}
    return {lang: mapping[lang] for lang in languages
            if isinstance(mapping.get(lang), str) and mapping[lang].strip()}


def normal_item(item, languages) -> dict:
    return {'code': item.get('code'), 'label': clean_text(item.get('label'), languages),
            'settings': copy.deepcopy(item.get('settings') or {})}


def normal_spec(spec, languages) -> dict:
    """One question in normal form (see the module docstring)."""
    result = {'variable': spec.get('variable'), 'type': spec.get('type'),
              'text': clean_text(spec.get('text'), languages),
              'settings': copy.deepcopy(spec.get('settings') or {}),
              'options': [normal_item(item, languages) for item in spec.get('options') or []],
              'rows': [normal_item(item, languages) for item in spec.get('rows') or []]}
    try:
        kind = get_type(result['type'])
    except UnknownQuestionType:
        return result
    if result['options'] and (kind.default_options or kind.name == 'likert'):
        defaults = kind.options({'settings': result['settings']})
        if result['options'] == [normal_item(item, languages) for item in defaults]:
            result['options'] = []
    if kind.name == 'nps':
        result['text'] = _shown_anyway(kind, result, languages)
    if kind.name == 'semantic_differential':
        for row in result['rows']:
            derived = {lang: kind.pair_label({**row, 'label': {}}, lang) for lang in languages}
            if row['label'] and row['label'] == clean_text(derived, languages):
                row['label'] = {}
    return result


def _shown_anyway(kind, spec, languages) -> dict:
    """The NPS text without the entries whose removal changes nothing the respondent reads
    (the standard wording, with or without the subject filled in)."""
    shown = {lang: kind.question_text(spec, lang) for lang in languages}
    text = dict(spec['text'])
    for lang in list(text):
        trial = {key: value for key, value in text.items() if key != lang}
        if all(kind.question_text({**spec, 'text': trial}, other) == shown[other]
               for other in languages):
            text = trial
    return text


def normalise(definition) -> dict:
    """A copy of ``definition`` in normal form."""
    languages = list(definition.get('languages') or [])
    result = {key: copy.deepcopy(definition[key]) for key in _TOP if key in definition}
    result['title'] = clean_text(definition.get('title'), languages)
    result['settings'] = copy.deepcopy(definition.get('settings') or {})
    result['option_lists'] = {
        name: [normal_item(item, languages) for item in items]
        for name, items in (definition.get('option_lists') or {}).items()}
    result['questions'] = [normal_spec(spec, languages)
                           for spec in definition.get('questions') or []]
    return result
