"""Questionnaire interchange: the definition as JSON (lossless) and as an XLSForm workbook.

A pure package: definition dicts and bytes in, definition dicts and bytes out; the caller
stores them. ``docs/questionnaire-format.md`` documents both formats.

>>> data = export_json(definition)              # doctest: +SKIP
>>> import_json(data) == definition             # doctest: +SKIP
True
>>> import_xlsform(upload_bytes)                # doctest: +SKIP
ImportFailed: survey!A6: The question type "geopoint" is not supported by Anketa.; ...

Imports are all-or-nothing: a definition that passed every check, or :class:`ImportFailed`
with every problem and where it is.
"""

from .errors import ImportFailed, Problem
from .json_format import export_json, import_json
from .normal import normalise
from .schema import schema, schema_problems
from .xlsform_export import export_xlsform
from .xlsform_import import import_xlsform

__all__ = ['ImportFailed', 'Problem', 'export_json', 'export_xlsform', 'import_json',
           'import_xlsform', 'normalise', 'schema', 'schema_problems']
