"""Respondent-level data exports for clients: CSV, Excel, SPSS and JSON.

The writers live in :mod:`analysis.export_tables` (CSV, XLSX, JSON and the conventions they
share) and :mod:`analysis.export_sav` (SPSS); this module is the one to import from. Every
writer takes a :class:`~analysis.dataset.Dataset`, writes one row per respondent (the
respondent id first, then each variable with metadata, in display order), and never touches
the web layer. Formats, codes versus labels, missing values, formula neutralisation and SPSS
limits: ``docs/exports.md``.
"""

from .export_sav import check_names, truncate_utf8, write_sav
from .export_tables import (DELIMITERS, ID_NAME, neutralise_formula, write_csv, write_json,
                            write_xlsx)

__all__ = ['DELIMITERS', 'ID_NAME', 'check_names', 'neutralise_formula', 'truncate_utf8',
           'write_csv', 'write_json', 'write_sav', 'write_xlsx']
