"""Respondent-level data exports for clients: CSV, Excel, SPSS and JSON.

The writers live in :mod:`analysis.export_tables` (XLSX, JSON and the conventions every format
shares), :mod:`analysis.export_csv` (CSV) and :mod:`analysis.export_sav` (SPSS); this module is
the one to import from. Every writer takes a :class:`~analysis.dataset.Dataset`, writes one
row per respondent (the respondent id first, then each variable with metadata, in display
order), and never touches the web layer; :class:`CsvWriter` and :class:`JsonWriter` write the
same files from chunks of respondents. Formats, codes versus labels, missing values, formula
neutralisation and SPSS limits: ``docs/exports.md``.
"""

from .export_csv import DELIMITERS, CsvWriter, write_csv
from .export_sav import check_names, truncate_utf8, write_sav
from .export_tables import ID_NAME, JsonWriter, neutralise_formula, write_json, write_xlsx

__all__ = ['DELIMITERS', 'ID_NAME', 'CsvWriter', 'JsonWriter', 'check_names',
           'neutralise_formula', 'truncate_utf8', 'write_csv', 'write_json', 'write_sav',
           'write_xlsx']
