"""Collection load benchmark (issue 4): concurrent respondents completing a survey over HTTP.

Creates a fresh PostgreSQL database (``anketa_bench_<random>`` on 127.0.0.1:5432), migrates it,
publishes a 30-question, 3-page questionnaire (single and multiple choice, grid rows, numbers,
short text) and opens fieldwork through the services; starts gunicorn on 127.0.0.1; then
``--concurrency`` simulated respondents (threads with keep-alive ``http.client`` connections)
complete it through the open link, as a browser without JavaScript would: GET the start page,
POST start, then for each page GET it and POST it (reading the CSRF token and step from the
HTML, following the 303s). The run stops after ``--respondents`` respondents or
``--duration`` seconds, whichever comes first. Prints completes/s, page submits/s, latency
percentiles (GETs and submit POSTs separately) and errors, checks that the complete responses
in the database are exactly the acknowledged ones, stops gunicorn and drops the database.

    .venv/bin/python benchmarks/collect_load.py --workers 2 --threads 8

Only 127.0.0.1 is targeted; nothing is installed. See docs/benchmarks.md for figures.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import sqlalchemy as sa  # noqa: E402

SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
HOST = "127.0.0.1"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
STEP = re.compile(r'name="step" value="(\d+)"')
NONCE = re.compile(r'name="nonce"[^>]*value="([^"]+)"')
THANK_YOU = "Thank you for the benchmark"


# --- the questionnaire ---------------------------------------------------------------------------

def _t(text):
    return {"en": text}


def _options(count):
    return [{"code": code, "label": _t(f"Option {code}")} for code in range(1, count + 1)]


def questionnaire_document():
    """30 questions on 3 pages of 10: each page mixes the common closed and open types."""
    from surveys.definition import new_definition
    questions = []
    for page in range(1, 4):
        if page > 1:
            questions.append({"variable": f"S{page}", "type": "section",
                              "text": _t(f"Part {page}"), "settings": {}, "options": [],
                              "rows": []})
        for number in range(1, 11):
            variable = f"P{page}Q{number}"
            kind = ["single_choice", "single_choice", "multiple_choice", "grid", "numeric",
                    "short_text", "single_choice", "multiple_choice", "grid",
                    "numeric"][number - 1]
            spec = {"variable": variable, "type": kind, "text": _t(f"Question {variable}?"),
                    "settings": {"required": True}, "options": [], "rows": []}
            if kind in ("single_choice", "multiple_choice"):
                spec["options"] = _options(6)
            elif kind == "grid":
                spec["options"] = _options(5)
                spec["rows"] = [{"code": code, "label": _t(f"Row {code}")}
                                for code in range(1, 5)]
            elif kind == "numeric":
                spec["settings"].update(integer=True, min=0, max=1000)
            questions.append(spec)
    document = new_definition(_t("Load benchmark"), ["en"], "en")
    document["settings"] = {"thank_you": _t(THANK_YOU + "!")}
    document["questions"] = questions
    return document


def page_answers(document, page, rng):
    """Valid form fields ``[(name, value)]`` for page ``page`` (0-based)."""
    fields = []
    specs = [q for q in document["questions"] if q["variable"].startswith(f"P{page + 1}Q")]
    for spec in specs:
        name, kind = spec["variable"], spec["type"]
        if kind == "single_choice":
            fields.append((name, str(rng.randint(1, 6))))
        elif kind == "multiple_choice":
            fields += [(name, str(code)) for code in rng.sample(range(1, 7), rng.randint(1, 3))]
        elif kind == "grid":
            fields += [(f"{name}_r{row['code']}", str(rng.randint(1, 5))) for row in spec["rows"]]
        elif kind == "numeric":
            fields.append((name, str(rng.randint(0, 1000))))
        else:
            fields.append((name, rng.choice(["Fine", "Не знаю", "Price & quality", "ok"])))
    return fields


# --- database and server -------------------------------------------------------------------------

def create_database():
    name = f"anketa_bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name, SERVER_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(name):
    engine = sa.create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def prepare_survey(url, secret_key):
    """Migrate, then publish the questionnaire and open fieldwork; the survey's public key."""
    from flask_migrate import upgrade

    from research import create_app
    from research.extensions import db
    from research.models import User
    from research.studies.services import create_study
    from surveys.builder.versions import publish, replace_draft
    from surveys.fieldwork.services import open_fieldwork
    from surveys.manage.services import create_survey

    app = create_app({"CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": secret_key, "MAIL_SERVER": None})
    with app.app_context():
        upgrade()
        owner = User(email="bench@example.org", name="Bench", is_admin=False, active=True)
        owner.set_password(secrets.token_urlsafe(16))
        db.session.add(owner)
        db.session.flush()
        study = create_study(owner, {"title": "Load benchmark"})
        survey = create_survey(study, owner, "Load benchmark", "adhoc", "en", [])
        replace_draft(survey, questionnaire_document())
        publish(survey, owner)
        open_fieldwork(survey)
        db.session.commit()
        key, survey_id = survey.public_key, survey.id
        db.engine.dispose()
    return key, survey_id


def count_completes(url, survey_id):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(sa.text(
            "SELECT count(*) FROM response WHERE survey_id = :s AND status = 'complete'"),
            {"s": survey_id}).scalar()
    engine.dispose()
    return found


def start_server(args, url, secret_key):
    env = dict(os.environ, DATABASE_URL=url.replace("+psycopg", ""), ANKETA_CONFIG="production",
               SECRET_KEY=secret_key, ANKETA_COOKIE_SECURE="0")
    command = [os.path.join(ROOT, ".venv", "bin", "gunicorn"), "-w", str(args.workers),
               "-k", "gthread", "--threads", str(args.threads), "-b", f"{HOST}:{args.port}",
               "--log-level", "warning", "--backlog", "256", "wsgi:app"]
    if args.profile:
        command[:1] = [os.path.join(ROOT, ".venv", "bin", "py-spy"), "record", "--subprocesses",
                       "-o", args.profile, "-f", "speedscope", "--",
                       os.path.join(ROOT, ".venv", "bin", "gunicorn")]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_until_up(port, key, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", f"/s/{key}")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


# --- the load ------------------------------------------------------------------------------------

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.gets, self.posts = [], []
        self.errors, self.acknowledged, self.submits, self.started = [], 0, 0, 0

    def error(self, text):
        with self.lock:
            self.errors.append(text)


class Browser:
    """One respondent: a keep-alive connection and a cookie jar."""

    def __init__(self, port, stats):
        self.port, self.stats = port, stats
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies = {}

    def request(self, method, path, body=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                reply = self.connection.getresponse()
                data = reply.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt == 2:
                    raise
                self.connection.close()  # the server closed the idle keep-alive connection
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        elapsed = time.perf_counter() - began
        for name, value in reply.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                cookie, _, content = pair.partition("=")
                self.cookies[cookie.strip()] = content
        with self.stats.lock:
            (self.stats.gets if method == "GET" else self.stats.posts).append(elapsed)
        return reply.status, reply.getheader("Location"), data.decode("utf-8", "replace")

    def close(self):
        self.connection.close()


def respondent(port, key, document, rng, stats):
    """Complete the survey once; True when the last page was acknowledged."""
    from urllib.parse import urlencode
    browser = Browser(port, stats)
    here = f"/s/{key}"
    try:
        status, _, html = browser.request("GET", here)
        csrf, nonce = CSRF.search(html), NONCE.search(html)
        if status != 200 or not csrf or not nonce:
            stats.error(f"start page {status}")
            return False
        status, location, _ = browser.request("POST", here + "/start", urlencode(
            {"csrf_token": csrf.group(1), "nonce": nonce.group(1), "language": "en"}))
        if status != 303:
            stats.error(f"start {status}")
            return False
        with stats.lock:
            stats.started += 1
        for page in range(3):
            status, _, html = browser.request("GET", here)
            csrf, step = CSRF.search(html), STEP.search(html)
            if status != 200 or not csrf or not step:
                stats.error(f"page {page + 1} GET {status}")
                return False
            fields = [("csrf_token", csrf.group(1)), ("step", step.group(1)), ("action", "next")]
            status, location, body = browser.request(
                "POST", here, urlencode(fields + page_answers(document, page, rng)))
            if status != 303:
                stats.error(f"page {page + 1} POST {status}: {body[:200]!r}")
                return False
            with stats.lock:
                stats.submits += 1
        status, _, html = browser.request("GET", here)  # the thank-you page
        if status != 200 or THANK_YOU not in html:
            stats.error(f"end page {status}")
            return False
        with stats.lock:
            stats.acknowledged += 1
        return True
    except (OSError, http.client.HTTPException) as error:
        stats.error(f"{type(error).__name__}: {error}")
        return False
    finally:
        browser.close()


def run_load(args, key):
    import random
    document = questionnaire_document()
    stats = Stats()
    tickets = iter(range(args.respondents))
    ticket_lock = threading.Lock()
    deadline = time.monotonic() + args.duration

    def worker(seed):
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            with ticket_lock:
                ticket = next(tickets, None)
            if ticket is None:
                return
            respondent(args.port, key, document, rng, stats)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True)
               for n in range(args.concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.duration + 60)
    return stats, time.perf_counter() - began


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def report(stats, seconds, args, in_database):
    ms = lambda v: f"{v * 1000:7.1f}"  # noqa: E731
    print(f"workers={args.workers} threads={args.threads} concurrency={args.concurrency} "
          f"respondents={args.respondents} duration_cap={args.duration}s")
    print(f"elapsed            {seconds:8.1f} s")
    print(f"completes          {stats.acknowledged:8d}  ({stats.acknowledged / seconds:.1f}/s)")
    print(f"page submits       {stats.submits:8d}  ({stats.submits / seconds:.1f}/s)")
    print(f"requests           {len(stats.gets) + len(stats.posts):8d}  "
          f"({(len(stats.gets) + len(stats.posts)) / seconds:.1f}/s)")
    for label, values in (("GET  (pages)", stats.gets), ("POST (submits)", stats.posts)):
        print(f"{label:16s} p50 {ms(percentile(values, 50))} ms  p95 "
              f"{ms(percentile(values, 95))} ms  p99 {ms(percentile(values, 99))} ms  "
              f"mean {ms(statistics.fmean(values) if values else float('nan'))} ms  n={len(values)}")
    print(f"errors             {len(stats.errors):8d}  {stats.errors[:3]}")
    print(f"complete in DB     {in_database:8d}  "
          f"({'equals' if in_database == stats.acknowledged else 'DIFFERS FROM'} acknowledged)")
    met = (stats.acknowledged / seconds >= 150 and percentile(stats.posts, 99) < 0.3
           and percentile(stats.gets, 99) < 0.3)
    print(f"target (>=150 completes/s, p99 < 300 ms): {'met' if met else 'NOT met'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=1500, help="respondents in total")
    parser.add_argument("--concurrency", type=int, default=50, help="respondents at once")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds at most")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--profile", metavar="FILE",
                        help="run gunicorn under py-spy and write a speedscope profile")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args(argv)
    if args.respondents < 1 or args.concurrency < 1 or not 0 < args.duration <= 600:
        parser.error("respondents and concurrency must be positive, duration 0-600 s")

    secret_key = secrets.token_urlsafe(36)  # 48 characters
    name, url = create_database()
    server = None
    try:
        key, survey_id = prepare_survey(url, secret_key)
        server = start_server(args, url, secret_key)
        wait_until_up(args.port, key)
        stats, seconds = run_load(args, key)
        server.send_signal(signal.SIGINT if args.profile else signal.SIGTERM)
        server.wait(timeout=60)
        server = None
        report(stats, seconds, args, count_completes(url, survey_id))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep_database:
            drop_database(name)


if __name__ == "__main__":
    main()
