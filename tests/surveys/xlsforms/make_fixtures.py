"""Write the hand-written test XLSForms to .xlsx files.

    .venv/bin/python -m tests.surveys.xlsforms.make_fixtures [folder]

The tests build the same bytes in memory (``forms.build``); the files are for looking at the
forms in a spreadsheet program or trying them in KoboToolbox. They are not kept in git.
"""

import sys
from pathlib import Path

from tests.surveys.xlsforms.forms import FORMS, build


def main(folder: str = '.') -> None:
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for name, form in FORMS.items():
        path = target / f'{name}.xlsx'
        path.write_bytes(build(form))
        print(path)


if __name__ == '__main__':
    main(*sys.argv[1:])
