"""The questionnaire definition as a JSON file: lossless export and checked import."""

from __future__ import annotations

import json

from flask_babel import gettext as _

from surveys.definition import FORMAT, FORMAT_VERSION

from .checking import json_parts, registry_problems
from .errors import ImportFailed, Problem, fail, pointer
from .schema import schema_problems

#: Largest accepted upload (bytes).
MAX_UPLOAD = 10 * 1024 * 1024
_BOM = b'\xef\xbb\xbf'

# Keys of the structural objects, in the order files show them; other keys follow, sorted.
_DEFINITION_KEYS = ('format', 'format_version', 'title', 'languages', 'default_language',
                    'settings', 'option_lists', 'questions')
_QUESTION_KEYS = ('variable', 'type', 'text', 'settings', 'options', 'rows')
_ITEM_KEYS = ('code', 'label', 'settings')


def _ordered(mapping, keys) -> dict:
    first = {key: mapping[key] for key in keys if key in mapping}
    return {**first, **{key: mapping[key] for key in sorted(mapping, key=str)
                        if key not in first}}


def _sorted_settings(value):
    return {key: value[key] for key in sorted(value, key=str)} if isinstance(value, dict) \
        else value


def _item(item):
    if not isinstance(item, dict):
        return item
    item = _ordered(item, _ITEM_KEYS)
    if 'settings' in item:
        item['settings'] = _sorted_settings(item['settings'])
    return item


def _question(spec):
    if not isinstance(spec, dict):
        return spec
    spec = _ordered(spec, _QUESTION_KEYS)
    if 'settings' in spec:
        spec['settings'] = _sorted_settings(spec['settings'])
    for key in ('options', 'rows'):
        if isinstance(spec.get(key), list):
            spec[key] = [_item(item) for item in spec[key]]
    return spec


def canonical(definition) -> dict:
    """The definition with its keys in file order (values and language maps untouched)."""
    result = _ordered(definition, _DEFINITION_KEYS)
    if 'settings' in result:
        result['settings'] = _sorted_settings(result['settings'])
    if isinstance(result.get('option_lists'), dict):
        result['option_lists'] = {name: [_item(item) for item in items]
                                  if isinstance(items, list) else items
                                  for name, items in result['option_lists'].items()}
    if isinstance(result.get('questions'), list):
        result['questions'] = [_question(spec) for spec in result['questions']]
    return result


def export_json(definition) -> bytes:
    """The definition as UTF-8 JSON: indented, keys in a stable order, a final newline.

    Language maps keep their order (the main language first is what respondents fall back to).
    """
    text = json.dumps(canonical(definition), ensure_ascii=False, indent=2, allow_nan=False)
    return (text + '\n').encode('utf-8')


def _no_constants(name):
    raise ValueError(f'{name} is not valid JSON')


def _unique_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(_('the key "%(key)s" appears twice in one object', key=key[:40]))
        result[key] = value
    return result


def _parse(data) -> object:
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError('the upload must be bytes')
    if len(data) > MAX_UPLOAD:
        fail('', _('The file is too big (%(size)s MB); the limit is %(limit)s MB.',
                   size=round(len(data) / 1024 / 1024, 1), limit=MAX_UPLOAD // 1024 // 1024))
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        text = bytes(data).decode('utf-8')
    except UnicodeDecodeError as error:
        fail('', _('The file is not UTF-8 text (invalid byte at position %(position)s); save '
                   'it as UTF-8.', position=error.start))
    try:
        return json.loads(text, parse_constant=_no_constants, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        fail('', _('The file is not valid JSON: %(reason)s at line %(line)s, column '
                   '%(column)s.', reason=error.msg, line=error.lineno, column=error.colno))
    except ValueError as error:
        fail('', _('The file is not valid JSON: %(reason)s.', reason=str(error)))
    except RecursionError:
        fail('', _('The file is not valid JSON: it is nested too deeply.'))


def _check_format(document) -> None:
    if not isinstance(document, dict):
        fail('', _('The file does not hold a questionnaire (a JSON object is expected).'))
    if document.get('format') != FORMAT:
        fail(pointer('format'), _('This is not an Anketa questionnaire file ("format" must be '
                                  '"%(format)s").', format=FORMAT))
    version = document.get('format_version')
    if version != FORMAT_VERSION or isinstance(version, bool):
        fail(pointer('format_version'), _(
            'The questionnaire format version %(version)s is not supported; this Anketa reads '
            'version %(supported)s.', version=json.dumps(version)[:20],
            supported=FORMAT_VERSION))


def import_json(data) -> dict:
    """Read a questionnaire JSON file; raise :class:`ImportFailed` listing every problem.

    Checks, in order: size (10 MB), UTF-8 (a BOM is accepted), JSON syntax, ``format`` and
    ``format_version``, the JSON Schema, then the question-type registry
    (``surveys.definition.check_definition``).
    """
    document = _parse(data)
    _check_format(document)
    problems = schema_problems(document)
    if problems:
        raise ImportFailed(problems)
    problems = [Problem(pointer(*json_parts(document, index, parts)), message)
                for index, parts, message in registry_problems(document)]
    if problems:
        raise ImportFailed(problems)
    return document
