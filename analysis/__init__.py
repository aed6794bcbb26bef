"""Anketa's analysis library.

A pure library: pandas / numpy / scipy / statsmodels in, result objects out.
It never imports flask, sqlalchemy, ``research`` or ``surveys``
(tests/analysis/test_purity.py enforces it), so that the statistics can be
tested, benchmarked and reused without the web application.
"""
