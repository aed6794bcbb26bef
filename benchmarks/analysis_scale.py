"""Analysis at scale (issue 5): dataset build, banner tables and raking on 1,000,000 responses.

Creates the PostgreSQL database ``anketa_bench_analysis`` on 127.0.0.1:5432 (dropped first if
it exists), migrates it, publishes a questionnaire of 40 analysis variables through the
services (8 single-choice demographics used as the banner, 2 more single-choice questions,
3 multiple-choice questions of 5 options = 15 0/1 items, a grid of 8 rows on a 1–5 scale,
4 rating scales, 2 numbers and an NPS), then, in a forked child process, bulk-loads
``--responses`` complete responses with ``COPY response (...) FROM STDIN`` over two
connections (answers generated with numpy, with a dependence on the demographics so that
significance letters appear) and runs ``VACUUM (FREEZE, ANALYZE)``.

Then, in this one process, it times each step separately and records the peak RSS of the
process during the step (``VmHWM`` of ``/proc/self/status``, reset before each step through
``/proc/self/clear_refs``; the peak includes what the process already holds, e.g. the dataset,
so the RSS before the step is printed too):

1. ``build_dataset(survey, use_cache=False)`` with no cache file (cold), then
   ``build_dataset(survey)`` (reads the database and writes the Parquet cache), then
   ``build_dataset(survey)`` again (from the cache);
2. the banner report: ``BannerTable`` of every variable (multiple-choice questions as their
   multiple-response sets) × the 8 banner variables, preset ``spss``, letters at 5 % and 10 %;
   and again with the multiple-choice items as rows of their own (40 tables);
3. rim weighting (raking) on 4 demographics with ``RimWeighting(...).fit(dataset)``, then
   attaching the weight (``WeightingResult.apply``);
4. the banner report again with preset ``dimensions`` and the rim weight.

It prints a table of measured figures against the targets and exits with status 1 if one is
missed. The database is dropped at the end unless ``--keep`` is given; with ``--keep`` a later
run reuses the loaded responses when the database holds the same ``--responses`` and ``--seed``.
Try it small first:

    .venv/bin/python benchmarks/analysis_scale.py --responses 20000
    .venv/bin/python benchmarks/analysis_scale.py --keep             # 1,000,000 responses
    .venv/bin/python benchmarks/analysis_scale.py --keep --profile banner_spss --top 30

``--profile STEP`` runs that step under cProfile and prints its ``--top`` costliest functions.
Only 127.0.0.1 is used; nothing is installed. See docs/benchmarks.md for figures.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import re
import resource
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from synthetic_survey import (BANNER, RAKING_TARGETS, TITLE, generate_answers,  # noqa: E402
                              questionnaire_document, row_names)

DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/anketa_bench_analysis"
#: Bump when the questionnaire or the answer generator changes, so --keep reloads.
GENERATOR = 1

# Targets of issue 5, in seconds and MiB.
TARGETS = {"build_cold": 20.0, "build_cache": 3.0, "banner_spss": 10.0, "banner_items": 10.0,
           "raking": 5.0, "banner_dimensions": 10.0}
PEAK_TARGET_MB = 2048


# --- database ------------------------------------------------------------------------------------

def _server_url(url):
    return sa.engine.make_url(url).set(database="postgres")


def recreate_database(url):
    name = sa.engine.make_url(url).database
    engine = sa.create_engine(_server_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def drop_database(url):
    name = sa.engine.make_url(url).database
    engine = sa.create_engine(_server_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def survey_title(responses, seed):
    return f"{TITLE} ({responses} responses, seed {seed}, generator {GENERATOR})"


def find_loaded_survey(url, responses, seed):
    """The id of a survey loaded by an earlier ``--keep`` run with the same settings, or None."""
    name = sa.engine.make_url(url).database
    engine = sa.create_engine(_server_url(url))
    with engine.connect() as connection:
        exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                    {"n": name}).scalar()
    engine.dispose()
    if not exists:
        return None
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(sa.text(
                "SELECT s.id, (SELECT count(*) FROM response r WHERE r.survey_id = s.id "
                "AND r.status = 'complete') FROM survey s WHERE s.title = :t"),
                {"t": survey_title(responses, seed)}).first()
    except sa.exc.ProgrammingError:  # not migrated
        row = None
    engine.dispose()
    return row[0] if row and row[1] == responses else None


def publish_survey(title):
    """Migrate, then publish the questionnaire through the services; (survey id, version id)."""
    from flask_migrate import upgrade

    from research.extensions import db
    from research.models import User
    from research.studies.services import create_study
    from surveys.builder.versions import publish, replace_draft
    from surveys.manage.services import create_survey

    upgrade()
    owner = User(email="bench@example.org", name="Bench", is_admin=False, active=True)
    owner.set_password(secrets.token_urlsafe(16))
    db.session.add(owner)
    db.session.flush()
    study = create_study(owner, {"title": TITLE})
    survey = create_survey(study, owner, title, "adhoc", "en", [])
    replace_draft(survey, questionnaire_document())
    publish(survey, owner)
    survey.status = "closed"
    db.session.commit()
    return survey.id, survey.published_version.id


COPY_COLUMNS = ("survey_id, version_id, status, channel, language, variants, answers, timings, "
                "is_invalid, page_index, step, quota_cells, started_at, updated_at, completed_at")


def load_responses(url, survey_id, version_id, responses, seed, streams=2, chunk=50_000):
    """COPY ``responses`` complete responses: seconds spent generating, copying and vacuuming,
    and the peak RSS in MiB.

    PostgreSQL's parsing of the JSON documents (``jsonb_in``) dominates the load, so the rows
    go through ``streams`` connections at once (one per core), each a thread that formats its
    chunks (the GIL is released while psycopg sends them).
    """
    import psycopg

    began = time.perf_counter()
    answers, started, completed = generate_answers(responses, seed)
    names = list(answers)
    generated = time.perf_counter() - began
    # One COPY text line per response: the answers document is a %-template over the
    # variables' values written out once per distinct value (codes are small integers).
    document = "{" + ", ".join(f'"{name}": %s' for name in names) + "}"
    line = (f"{survey_id}\t{version_id}\tcomplete\tweb\ten\t{{}}\t{document}\t{{}}\tf\t0\t0\t[]"
            "\t%s\t%s\t%s\n")
    words = {name: np.array(["null"] + [str(v) for v in range(int(values.max()) + 1)],
                            dtype=object) for name, values in answers.items()}
    started_text = np.datetime_as_string(started)
    completed_text = np.datetime_as_string(completed)
    dsn = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(
        hide_password=False)

    def copy_part(first, last):
        with psycopg.connect(dsn) as connection:
            with connection.cursor() as cursor:
                with cursor.copy(f"COPY response ({COPY_COLUMNS}) FROM STDIN") as copy:
                    for start in range(first, last, chunk):
                        part = slice(start, min(start + chunk, last))
                        columns = [words[name][answers[name][part] + 1] for name in names]
                        done = completed_text[part].tolist()
                        rows = zip(*columns, started_text[part].tolist(), done, done)
                        copy.write("".join([line % row for row in rows]))
            connection.commit()

    from concurrent.futures import ThreadPoolExecutor
    copied = time.perf_counter()
    bounds = np.linspace(0, responses, streams + 1).astype(int)
    with ThreadPoolExecutor(streams) as pool:
        for future in [pool.submit(copy_part, int(first), int(last))
                       for first, last in zip(bounds[:-1], bounds[1:])]:
            future.result()
    copied = time.perf_counter() - copied
    vacuumed = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("VACUUM (FREEZE, ANALYZE) response")
    vacuumed = time.perf_counter() - vacuumed
    return generated, copied, vacuumed, _status_mb("VmHWM")


def load_in_child(url, survey_id, version_id, responses, seed):
    """:func:`load_responses` in a forked process, so the measured process starts clean."""
    import multiprocessing
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(load_responses, (url, survey_id, version_id, responses, seed))


def table_size(url):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        size = connection.execute(sa.text(
            "SELECT pg_size_pretty(pg_total_relation_size('response'))")).scalar()
    engine.dispose()
    return size


# --- measuring -----------------------------------------------------------------------------------

def _status_mb(field):
    with open("/proc/self/status") as status:
        found = re.search(rf"^{field}:\s+(\d+) kB", status.read(), re.M)
    return int(found.group(1)) / 1024 if found else float("nan")


def reset_peak():
    """Reset the peak RSS (VmHWM) to the current RSS; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


@dataclass
class Step:
    name: str
    label: str
    seconds: float
    rss_before_mb: float
    peak_mb: float
    rss_after_mb: float
    load: float
    note: str = ""

    @property
    def target(self):
        return TARGETS.get(self.name)

    @property
    def met(self):
        return (self.target is None or self.seconds <= self.target) and \
            self.peak_mb <= PEAK_TARGET_MB


def measure(name, label, function, profile=None, top=30):
    """Run ``function()`` once; its result and a :class:`Step` with time and peak RSS."""
    gc.collect()
    load = os.getloadavg()[0]
    before = _status_mb("VmRSS")
    resettable = reset_peak()
    profiler = cProfile.Profile() if profile == name else None
    began = time.perf_counter()
    if profiler:
        profiler.enable()
    result = function()
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - began
    peak = _status_mb("VmHWM") if resettable else \
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    step = Step(name, label, seconds, before, peak, _status_mb("VmRSS"), load)
    print(f"  {label:58s} {seconds:7.2f} s  peak {peak:7.0f} MiB", flush=True)
    if profiler:
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
        print(stream.getvalue())
    return result, step


# --- the analysis steps --------------------------------------------------------------------------

def banner_table(dataset, preset, weight=None, items=False):
    """The full banner report: every variable × the 8 banner variables with letters."""
    from analysis.tables import BannerTable
    options = {"rows": row_names(items), "banner": list(BANNER), "preset": preset,
               "alphas": (0.05, 0.10)}
    if weight is not None:
        options["weight"] = weight
    return BannerTable(**options).fit(dataset)


def describe_table(result):
    """Tables, cells and cells with letters of a fitted banner report."""
    cells = sum(table.counts.size for table in result.tables)
    letters = sum(int((table.letters != "").to_numpy().sum()) for table in result.tables)
    return f"{len(result.tables)} tables, {cells:,} cells, {letters:,} with letters"


def rake(dataset):
    from analysis.weighting import RimWeighting
    return RimWeighting(targets=RAKING_TARGETS).fit(dataset)


def run_steps(app, survey_id, args):
    from research.extensions import db
    from research.reports.datasets import build_dataset
    from surveys.models import Survey

    steps = []
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        cache = app.config["ANALYSIS_CACHE_DIR"]
        shutil.rmtree(cache, ignore_errors=True)  # cold: no cache file
        dataset, step = measure("build_cold", "build_dataset(use_cache=False), cold",
                                lambda: build_dataset(survey, use_cache=False),
                                args.profile, args.top)
        steps.append(step)
        step.note = f"{len(dataset):,} respondents × {len(dataset.data.columns)} columns"
        del dataset
        dataset, step = measure("build_write", "build_dataset(), reads the database, "
                                "writes the cache", lambda: build_dataset(survey),
                                args.profile, args.top)
        steps.append(step)
        del dataset
        dataset, step = measure("build_cache", "build_dataset(), from the cache",
                                lambda: build_dataset(survey), args.profile, args.top)
        steps.append(step)
        size = sum(os.path.getsize(os.path.join(cache, name)) for name in os.listdir(cache)
                   if name.endswith(".parquet"))
        step.note = f"Parquet {size / 2**20:.1f} MiB"

        rows = row_names()
        table, step = measure("banner_spss", f"BannerTable {len(rows)} rows × {len(BANNER)} "
                              "banner, preset spss", lambda: banner_table(dataset, "spss"),
                              args.profile, args.top)
        step.note = describe_table(table)
        steps.append(step)
        del table
        table, step = measure("banner_items", f"BannerTable {len(row_names(True))} rows (MR "
                              "items as rows) × 8 banner, spss",
                              lambda: banner_table(dataset, "spss", items=True),
                              args.profile, args.top)
        step.note = describe_table(table)
        steps.append(step)
        del table

        result, step = measure("raking", f"RimWeighting on {len(RAKING_TARGETS)} variables",
                               lambda: rake(dataset), args.profile, args.top)
        step.note = (f"{result.iterations} iterations, converged {result.converged}, "
                     f"efficiency {result.efficiency:.1f} %")
        steps.append(step)
        # Attaching the weight copies the frame (Dataset.with_weight); the unweighted dataset
        # is then let go, as a request that tables weighted data would.
        weighted, step = measure("apply_weight", "WeightingResult.apply (Dataset.with_weight)",
                                 lambda: result.apply(dataset, "rimweight", "Rim weight"),
                                 args.profile, args.top)
        steps.append(step)
        del result, dataset

        table, step = measure("banner_dimensions", f"BannerTable {len(rows)} rows × "
                              f"{len(BANNER)} banner, preset dimensions, weighted",
                              lambda: banner_table(weighted, "dimensions", "rimweight"),
                              args.profile, args.top)
        step.note = describe_table(table)
        steps.append(step)
        db.session.remove()
        db.engine.dispose()
    return steps


def report(steps, args, loading):
    print()
    print(f"responses={args.responses:,} seed={args.seed}")
    if loading:
        generated, copied, vacuumed, peak, size = loading
        print(f"load (a child process): generate {generated:.1f} s, COPY {copied:.1f} s over 2 "
              f"connections, VACUUM (FREEZE, ANALYZE) {vacuumed:.1f} s; table response {size}; "
              f"peak RSS {peak:.0f} MiB")
    print(f"{'step':60s} {'seconds':>8s} {'target':>7s} {'RSS before':>10s} {'peak':>6s} "
          f"{'after':>6s} {'load':>5s}")
    for step in steps:
        target = f"{step.target:.0f}" if step.target else "-"
        print(f"{step.label:60s} {step.seconds:8.2f} {target:>7s} {step.rss_before_mb:10.0f} "
              f"{step.peak_mb:6.0f} {step.rss_after_mb:6.0f} {step.load:5.1f}  "
              f"{'ok' if step.met else 'MISSED'}  {step.note}")
    print("(RSS of this process in MiB before, at the peak of and after each step; load: the "
          f"1-minute load average when the step began, on {os.cpu_count()} cores)")
    print(f"peak RSS of all steps: {max(step.peak_mb for step in steps):.0f} MiB")
    met = all(step.met for step in steps)
    print(f"targets (build <= 20 s, cache <= 3 s, banner <= 10 s, raking <= 5 s, "
          f"peak <= {PEAK_TARGET_MB} MiB): {'met' if met else 'NOT met'}")
    return met


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DATABASE_URL,
                        help="a PostgreSQL database to (re)create, on 127.0.0.1")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database; reuse it if it holds the same responses")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--profile", metavar="STEP", choices=[
        "build_cold", "build_write", "build_cache", "banner_spss", "banner_items", "raking",
        "apply_weight", "banner_dimensions"], help="run STEP under cProfile")
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    args = parser.parse_args(argv)
    if not 1 <= args.responses <= 5_000_000:
        parser.error("--responses must be between 1 and 5,000,000")
    if sa.engine.make_url(args.database_url).host not in ("127.0.0.1", "localhost"):
        parser.error("only a database on 127.0.0.1 is used")

    from research import create_app

    cache_dir = tempfile.mkdtemp(prefix="anketa-bench-analysis-")
    app = create_app({"CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": args.database_url,
                      "SECRET_KEY": secrets.token_urlsafe(36), "MAIL_SERVER": None,
                      "ANALYSIS_CACHE_DIR": cache_dir})
    loading = None
    try:
        survey_id = find_loaded_survey(args.database_url, args.responses, args.seed) \
            if args.keep else None
        if survey_id is None:
            recreate_database(args.database_url)
            with app.app_context():
                from research.extensions import db
                survey_id, version_id = publish_survey(survey_title(args.responses, args.seed))
                db.engine.dispose()
            print(f"loading {args.responses:,} responses ...", flush=True)
            loading = load_in_child(args.database_url, survey_id, version_id,
                                    args.responses, args.seed) + (table_size(args.database_url),)
            print(f"  generated {loading[0]:.1f} s, COPY {loading[1]:.1f} s, "
                  f"VACUUM {loading[2]:.1f} s, table {loading[4]}", flush=True)
        else:
            print(f"reusing survey {survey_id} with {args.responses:,} responses "
                  f"({table_size(args.database_url)})")
        steps = run_steps(app, survey_id, args)
        met = report(steps, args, loading)
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)
        if not args.keep:
            drop_database(args.database_url)
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
