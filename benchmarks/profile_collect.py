"""Server-side cost of one respondent request, without HTTP or concurrency (companion of
``collect_load.py``).

Creates the same throw-away PostgreSQL database and 30-question survey as ``collect_load.py``,
then runs ``--respondents`` respondents one after another through the Flask test client (the
same 9 requests each: start page, start, 3 × (page, submit), thank-you page) and prints the
wall-clock milliseconds per request. ``--profile FILE`` runs them under cProfile and writes
the stats (``python -m pstats FILE``); ``--top N`` prints the N most expensive functions.
``--echo`` counts the SQL statements per request.

    .venv/bin/python benchmarks/profile_collect.py --respondents 30 --top 30

Only 127.0.0.1 is used; the database is dropped afterwards.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import secrets
import sys
import time
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import collect_load  # noqa: E402  (the survey, the database helpers and the answer generator)


def run(app, key, document, respondents, rng):
    """``respondents`` complete interviews; the number of requests made."""
    from werkzeug.datastructures import MultiDict
    here = f"/s/{key}"
    requests = 0
    client = None

    def call(method, data=None):
        nonlocal requests
        requests += 1
        if method == "GET":
            reply = client.get(here)
        else:
            reply = client.post(here if data.get("step") else here + "/start", data=data)
        return reply.status_code, reply.get_data(as_text=True)

    for _ in range(respondents):
        client = app.test_client()  # a new respondent: no cookies
        status, html = call("GET")
        csrf, nonce = collect_load.CSRF.search(html), collect_load.NONCE.search(html)
        if status != 200 or not csrf or not nonce:
            raise RuntimeError(f"start page {status}")
        status, _ = call("POST", {"csrf_token": csrf.group(1), "nonce": nonce.group(1),
                                  "language": "en"})
        if status != 303:
            raise RuntimeError(f"start {status}")
        for page in range(3):
            status, html = call("GET")
            csrf, step = collect_load.CSRF.search(html), collect_load.STEP.search(html)
            if status != 200 or not csrf or not step:
                raise RuntimeError(f"page {page + 1} GET {status}")
            fields = [("csrf_token", csrf.group(1)), ("step", step.group(1)),
                      ("action", "next")]
            status, body = call("POST", MultiDict(
                fields + collect_load.page_answers(document, page, rng)))
            if status != 303:
                raise RuntimeError(f"page {page + 1} POST {status}: {body[:300]!r}")
        status, html = call("GET")
        if status != 200 or collect_load.THANK_YOU not in html:
            raise RuntimeError(f"end page {status}")
    return requests


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3, help="respondents before measuring")
    parser.add_argument("--profile", metavar="FILE", help="write cProfile stats to FILE")
    parser.add_argument("--top", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key for --top")
    parser.add_argument("--echo", action="store_true", help="count SQL statements")
    args = parser.parse_args(argv)
    if not 0 < args.respondents <= 1000:
        parser.error("respondents: 1-1000")

    from sqlalchemy import event

    from research import create_app
    from research.extensions import db

    secret_key = secrets.token_urlsafe(36)
    name, url = collect_load.create_database()
    try:
        key, _survey_id = collect_load.prepare_survey(url, secret_key)
        app = create_app({"CONFIG_NAME": "production", "SQLALCHEMY_DATABASE_URI": url,
                          "SECRET_KEY": secret_key, "SESSION_COOKIE_SECURE": False,
                          "MAIL_SERVER": None})
        document = collect_load.questionnaire_document()
        rng = random.Random(1)
        run(app, key, document, args.warmup, rng)
        statements = []
        if args.echo:
            with app.app_context():
                event.listen(db.engine, "before_cursor_execute",
                             lambda *a, **k: statements.append(a[2]))
        profiler = cProfile.Profile() if args.profile or args.top else None
        began, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        requests = run(app, key, document, args.respondents, rng)
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        print(f"{requests} requests, {seconds * 1000 / requests:.1f} ms per request, "
              f"{cpu * 1000 / requests:.1f} ms of CPU in this process (PostgreSQL not counted)"
              f"{' (profiled)' if profiler else ''}")
        if args.echo:
            print(f"{len(statements) / requests:.1f} SQL statements per request")
            for statement in statements[:40]:
                print("  ", " ".join(statement.split())[:160])
        if profiler:
            if args.profile:
                profiler.dump_stats(args.profile)
            if args.top:
                pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
        with app.app_context():
            db.engine.dispose()
    finally:
        collect_load.drop_database(name)


if __name__ == "__main__":
    main()
