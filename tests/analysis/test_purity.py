import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "sqlalchemy", "research", "surveys", "flask_sqlalchemy", "werkzeug")


def test_importing_analysis_loads_no_web_or_database_layer():
    probe = ("import sys, analysis, pkgutil, importlib\n"
             "for m in pkgutil.walk_packages(analysis.__path__, 'analysis.'):\n"
             "    importlib.import_module(m.name)\n"
             "print(','.join(sorted({n.split('.')[0] for n in sys.modules})))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    loaded = set(result.stdout.strip().split(","))
    assert "analysis" in loaded
    assert not loaded & set(FORBIDDEN), loaded & set(FORBIDDEN)
