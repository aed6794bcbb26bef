"""The benchmarks' PostgreSQL database: (re)created on 127.0.0.1 and loaded with the synthetic
survey (``synthetic_survey.py``) through the app's own services and a fast ``COPY``.

Shared by ``analysis_scale.py`` and ``export_scale.py``; a database loaded by one is reused by
the other when it holds the same responses, seed and generator.
"""
from __future__ import annotations

import re
import secrets
import time

import numpy as np
import sqlalchemy as sa

from synthetic_survey import TITLE, generate_answers, questionnaire_document

DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/anketa_bench_analysis"
#: Bump when the questionnaire or the answer generator changes, so a kept database reloads.
GENERATOR = 1


def _status_mb(field):
    """A memory figure of this process from /proc/self/status (``VmRSS``, ``VmHWM``), in MiB."""
    with open("/proc/self/status") as status:
        found = re.search(rf"^{field}:\s+(\d+) kB", status.read(), re.M)
    return int(found.group(1)) / 1024 if found else float("nan")


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
