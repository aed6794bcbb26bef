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
import resource
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import sqlalchemy as sa  # noqa: E402

from bench_database import (DATABASE_URL, _status_mb, drop_database,  # noqa: E402
                            find_loaded_survey, load_in_child, publish_survey,
                            recreate_database, survey_title, table_size)
from synthetic_survey import BANNER, RAKING_TARGETS, row_names  # noqa: E402


# Targets of issue 5, in seconds and MiB.
TARGETS = {"build_cold": 20.0, "build_cache": 3.0, "banner_spss": 10.0, "banner_items": 10.0,
           "raking": 5.0, "banner_dimensions": 10.0}
PEAK_TARGET_MB = 2048


# --- measuring -------------------------------------------------------------------------------------

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
