"""Export at scale: the raw-data CSV export of 1,000,000 responses, streamed by the job handler.

Target: a 1,000,000-response CSV export runs in ≤ 500 MB of memory at ≥ 50,000 rows/s.

Uses the analysis benchmark's survey (``benchmarks/analysis_scale.py`` with
``synthetic_survey.py``: 40 variables, 1,000,000 complete responses) in the PostgreSQL database
``anketa_bench_analysis`` on 127.0.0.1:5432. A database left by ``analysis_scale.py --keep`` (or
by an earlier run of this script) is reused when it holds ``--responses`` responses of
``--seed``; otherwise it is dropped, created and loaded the same way, in a forked child process
(about a minute). It is kept afterwards unless ``--drop`` is given. Try other sizes on another
database, so as not to replace the million-response one.

Each export is a ``raw_export`` job, queued as the Export page queues it and run by
``research.jobs.runner.run_job`` — the real handler, runner and writer — in a fresh Python
process that does nothing else (``--child``). That process reports the wall time of
``run_job``, its own RSS after the application is imported, and its peak RSS
(``ru_maxrss``, which counts the imports too). PostgreSQL's memory is its own (another
process) and is not counted. The parent checks that the job succeeded, that the export audit
records the expected number of rows and that the file has them, then deletes the file.

The exports: CSV with codes; CSV with value labels, ``;`` and a byte-order mark; CSV with a
filter; JSON (for information, no target); then, with a rim weight scheme on 4 variables
created for them (and deleted afterwards), CSV with that weight twice: first with an empty
weights cache (the narrow read of the weighting variables and the raking included), then with
the weights the first run cached, as after the weighting page. Every other export starts with
empty caches. ``--only`` picks some. The script prints a table and exits with status 1 if a
CSV export misses a target.

    .venv/bin/python benchmarks/export_scale.py --responses 20000 --drop \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/anketa_bench_export_try
    .venv/bin/python benchmarks/export_scale.py                      # 1,000,000
    .venv/bin/python benchmarks/export_scale.py --only csv_codes csv_weight

Only 127.0.0.1 is used; every export stops by itself. See docs/benchmarks.md for figures.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sqlalchemy as sa  # noqa: E402

from bench_database import (DATABASE_URL, _status_mb, drop_database,  # noqa: E402
                            find_loaded_survey, load_in_child, publish_survey,
                            recreate_database, survey_title, table_size)
from synthetic_survey import RAKING_TARGETS  # noqa: E402

#: Megabytes of 10**6 bytes (500 MB = 476.8 MiB); the tables print both.
PEAK_TARGET_MB = 500
MIB_PER_MB = 1e6 / 2**20
ROWS_PER_SECOND_TARGET = 50_000
WEIGHT_NAME = "bench_rim"
#: ``name: (label, job parameters)``; every CSV export has the targets.
EXPORTS = {
    "csv_codes": ("CSV, codes, ','", {"format": "csv", "values": "codes", "delimiter": ","}),
    "csv_labels": ("CSV, value labels, ';', BOM", {"format": "csv", "values": "labels",
                                                  "delimiter": ";", "bom": True}),
    "csv_filter": ("CSV, codes, filter ${GENDER} = 2 and ${AGEGRP} >= 3",
                   {"format": "csv", "values": "codes", "delimiter": ",",
                    "filter": "${GENDER} = 2 and ${AGEGRP} >= 3"}),
    "json": ("JSON (no target)", {"format": "json"}),
    "csv_weight": ("CSV, codes, rim weight on 4 variables (cold cache)",
                   {"format": "csv", "values": "codes", "delimiter": ",",
                    "weight": WEIGHT_NAME}),
    "csv_weight_cached": ("CSV, codes, the same weight from the weights cache",
                          {"format": "csv", "values": "codes", "delimiter": ",",
                           "weight": WEIGHT_NAME}),
}
#: Exports run while the weight scheme exists (every export of the survey then has its column).
WEIGHTED = ("csv_weight", "csv_weight_cached")


def app_config(database_url, files_dir, cache_dir):
    return {"CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": secrets.token_urlsafe(36), "MAIL_SERVER": None,
            "ANALYSIS_CACHE_DIR": cache_dir, "JOB_FILES_DIR": files_dir}


# --- the measured process ------------------------------------------------------------------------

def child(args):
    """Run the queued job ``args.child`` and print what it cost as one line of JSON."""
    from research import create_app

    app = create_app(app_config(args.database_url, args.files, args.cache))
    from research.extensions import db
    from research.jobs.runner import run_job

    with app.app_context():
        rss_ready = _status_mb("VmRSS")
        began = time.perf_counter()
        run_job(args.child)
        seconds = time.perf_counter() - began
        db.session.remove()
        db.engine.dispose()
    print(json.dumps({"seconds": seconds, "rss_ready_mib": rss_ready,
                      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "vmhwm_mib": _status_mb("VmHWM")}))


# --- the parent ----------------------------------------------------------------------------------

def ensure_survey(args, app):
    """The id of the loaded benchmark survey: reused if it matches, else created and loaded."""
    from flask_migrate import upgrade

    from research.extensions import db
    survey_id = find_loaded_survey(args.database_url, args.responses, args.seed)
    if survey_id is not None:
        with app.app_context():
            upgrade()  # a database kept from before a newer migration
            db.engine.dispose()
        print(f"reusing survey {survey_id} with {args.responses:,} responses "
              f"({table_size(args.database_url)})", flush=True)
        return survey_id
    recreate_database(args.database_url)
    with app.app_context():
        survey_id, version_id = publish_survey(survey_title(args.responses, args.seed))
        db.engine.dispose()
    print(f"loading {args.responses:,} responses ...", flush=True)
    generated, copied, vacuumed, _peak = load_in_child(args.database_url, survey_id, version_id,
                                                       args.responses, args.seed)
    print(f"  generated {generated:.1f} s, COPY {copied:.1f} s, VACUUM {vacuumed:.1f} s, "
          f"table {table_size(args.database_url)}", flush=True)
    return survey_id


def queue_job(app, survey_id, parameters):
    from research.extensions import db
    from research.jobs.services import create_job
    from research.models import User
    from surveys.models import Survey

    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        owner = db.session.scalars(sa.select(User).order_by(User.id)).first()
        job = create_job(survey.study_id, survey.id, "raw_export", parameters, owner)
        db.session.commit()
        job_id = job.id
        db.session.remove()
        db.engine.dispose()
    return job_id


def add_weight_scheme(app, survey_id):
    from research.extensions import db
    from research.models import User, WeightScheme

    with app.app_context():
        owner = db.session.scalars(sa.select(User).order_by(User.id)).first()
        targets = {name: {str(code): share for code, share in shares.items()}
                   for name, shares in RAKING_TARGETS.items()}
        db.session.add(WeightScheme(survey_id=survey_id, name=WEIGHT_NAME, method="rim",
                                    label="Rim weight", created_by_id=owner.id,
                                    settings={"unit": "percent", "variables": list(targets),
                                              "targets": targets, "tolerance": 0.0001,
                                              "max_iterations": 100}))
        db.session.commit()
        db.engine.dispose()


def remove_weight_scheme(app, survey_id):
    from research.extensions import db
    from research.models import WeightScheme

    with app.app_context():
        db.session.execute(sa.delete(WeightScheme).where(WeightScheme.survey_id == survey_id,
                                                         WeightScheme.name == WEIGHT_NAME))
        db.session.commit()
        db.engine.dispose()


def expected_rows(app, survey_id, parameters):
    """Respondents the export should hold (the filter evaluated by PostgreSQL, independently)."""
    from research.extensions import db
    if not parameters.get("filter"):
        return None
    with app.app_context():
        count = db.session.scalar(sa.text(
            "SELECT count(*) FROM response WHERE survey_id = :s AND status = 'complete' "
            "AND NOT is_invalid AND (answers->>'GENDER')::int = 2 "
            "AND (answers->>'AGEGRP')::int >= 3"), {"s": survey_id})
        db.engine.dispose()
    return count


def finished_job(app, job_id):
    from research.extensions import db
    from research.models import ExportRecord, Job

    with app.app_context():
        job = db.session.get(Job, job_id)
        record = db.session.scalars(sa.select(ExportRecord).where(
            ExportRecord.job_id == job_id)).first()
        result = (job.status, job.message, job.result_file, job.result_size,
                  record.row_count if record else None)
        db.session.remove()
        db.engine.dispose()
    return result


def count_lines(path, file_format):
    """Data rows of the exported file (CSV: lines after the header; JSON: lines of ``rows``)."""
    lines = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 24):
            lines += block.count(b"\n")
    return lines - 1 if file_format == "csv" else lines - 2


def run_export(app, args, survey_id, name, files_dir, cache_dir):
    label, parameters = EXPORTS[name]
    parameters = {"bom": False, "weight": None, "filter": "", **parameters}
    job_id = queue_job(app, survey_id, parameters)
    if name != "csv_weight_cached":  # which reuses the weights csv_weight stored
        shutil.rmtree(cache_dir, ignore_errors=True)
    load = os.getloadavg()[0]
    began = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", str(job_id), "--database-url",
         args.database_url, "--files", files_dir, "--cache", cache_dir],
        capture_output=True, text=True, timeout=900, check=False)
    process_seconds = time.perf_counter() - began
    if completed.returncode != 0:
        raise SystemExit(f"the export process failed:\n{completed.stderr[-4000:]}")
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    status, message, result_file, size, rows = finished_job(app, job_id)
    if status != "succeeded":
        raise SystemExit(f"{name}: job {job_id} {status}: {message}")
    path = os.path.join(files_dir, result_file)
    lines = count_lines(path, parameters["format"])
    os.remove(path)
    wanted = expected_rows(app, survey_id, parameters) or args.responses
    if rows != wanted or lines != wanted:
        raise SystemExit(f"{name}: {rows} rows recorded, {lines} in the file, {wanted} expected")
    figures.update(name=name, label=label, rows=rows, size_mib=size / 2**20, load=load,
                   process_seconds=process_seconds,
                   rate=args.responses / figures["seconds"],
                   met=None if parameters["format"] != "csv" else (
                       figures["peak_mib"] <= PEAK_TARGET_MB * MIB_PER_MB
                       and args.responses / figures["seconds"] >= ROWS_PER_SECOND_TARGET))
    print(f"  {label:58s} {figures['seconds']:6.1f} s  {figures['rate']:9,.0f} responses/s  "
          f"peak {figures['peak_mib']:4.0f} MiB", flush=True)
    return figures


def report(results, args):
    print()
    print(f"responses={args.responses:,} seed={args.seed}, {os.cpu_count()} cores")
    print(f"{'export':58s} {'run_job s':>9s} {'process s':>9s} {'responses/s':>11s} "
          f"{'rows':>9s} {'file MiB':>8s} {'RSS ready':>9s} {'peak MiB':>8s} {'peak MB':>7s} "
          f"{'load':>5s}")
    for r in results:
        verdict = {True: "ok", False: "MISSED", None: ""}[r["met"]]
        print(f"{r['label']:58s} {r['seconds']:9.2f} {r['process_seconds']:9.2f} "
              f"{r['rate']:11,.0f} {r['rows']:9,d} {r['size_mib']:8.1f} "
              f"{r['rss_ready_mib']:9.0f} {r['peak_mib']:8.0f} "
              f"{r['peak_mib'] / MIB_PER_MB:7.0f} {r['load']:5.1f}  {verdict}")
    print("(run_job s: the handler and runner, timed inside the export process; process s: the "
          "whole process, with Python's start and the imports; responses/s: responses read per "
          "second of run_job; RSS ready (MiB): after the application is imported; peak: "
          "ru_maxrss of the export process; load: 1-minute load average when the export began)")
    met = all(r["met"] is not False for r in results)
    print(f"targets (CSV: peak <= {PEAK_TARGET_MB} MB, >= {ROWS_PER_SECOND_TARGET:,} "
          f"responses/s): {'met' if met else 'NOT met'}")
    return met


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--database-url", default=DATABASE_URL,
                        help="a PostgreSQL database on 127.0.0.1 (created if needed)")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--only", nargs="+", choices=list(EXPORTS), help="these exports only")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if sa.engine.make_url(args.database_url).host not in ("127.0.0.1", "localhost"):
        parser.error("only a database on 127.0.0.1 is used")
    if args.child is not None:
        child(args)
        return
    if not 1 <= args.responses <= 5_000_000:
        parser.error("--responses must be between 1 and 5,000,000")

    from research import create_app

    work = tempfile.mkdtemp(prefix="anketa-bench-export-")
    files_dir, cache_dir = os.path.join(work, "files"), os.path.join(work, "cache")
    app = create_app(app_config(args.database_url, files_dir, cache_dir))
    results, survey_id = [], None
    try:
        survey_id = ensure_survey(args, app)
        names = [name for name in EXPORTS if name in (args.only or EXPORTS)]
        for name in names:
            if name not in WEIGHTED:
                results.append(run_export(app, args, survey_id, name, files_dir, cache_dir))
        weighted = [name for name in names if name in WEIGHTED]
        if weighted:
            add_weight_scheme(app, survey_id)
            try:
                for name in weighted:
                    results.append(run_export(app, args, survey_id, name, files_dir,
                                              cache_dir))
            finally:
                remove_weight_scheme(app, survey_id)
        met = report(results, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if args.drop:
            drop_database(args.database_url)
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
