"""Where jobs run: one interface, :func:`enqueue`, over two backends.

Without ``REDIS_URL`` a small thread pool in this process runs them (the embedded default);
with it, RQ workers (``flask jobs worker``) do, on any number of hosts.
"""
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

from research.jobs.runner import run_job


class InProcessBackend:
    """A small thread pool; each job gets its own app context and database session."""

    def __init__(self, app, threads):
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="anketa-job")
        self.futures = []

    def enqueue(self, job_id):
        self.futures = [future for future in self.futures if not future.done()]
        future = self.executor.submit(self._run, job_id)
        self.futures.append(future)
        return future

    def _run(self, job_id):
        from research.extensions import db
        with self.app.app_context():
            try:
                run_job(job_id)
            finally:
                db.session.remove()

    def wait(self, timeout=None):
        """Wait for the jobs submitted so far (tests, shutdown)."""
        for future in list(self.futures):
            future.result(timeout=timeout)


class RQBackend:
    """Jobs go to the RQ queue ``JOBS_QUEUE`` on ``REDIS_URL``."""

    def __init__(self, url, queue_name):
        self.url = url
        self.queue_name = queue_name

    def connection(self):
        from redis import Redis
        return Redis.from_url(self.url)

    def queue(self, connection=None):
        from rq import Queue
        return Queue(self.queue_name, connection=connection or self.connection())

    def enqueue(self, job_id):
        connection = self.connection()
        try:
            return self.queue(connection).enqueue(
                "research.jobs.queue.perform", job_id, description=f"anketa job {job_id}",
                job_timeout=6 * 3600, result_ttl=3600, failure_ttl=24 * 3600)
        finally:
            connection.close()


def perform(job_id):
    """The RQ task: run the job in a fresh app context of the worker's app."""
    from research.extensions import db
    with current_app._get_current_object().app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def init_app(app):
    if app.config.get("REDIS_URL"):
        backend = RQBackend(app.config["REDIS_URL"], app.config["JOBS_QUEUE"])
    else:
        backend = InProcessBackend(app, app.config["JOB_THREADS"])
    app.extensions["anketa_jobs"] = backend


def backend():
    return current_app.extensions["anketa_jobs"]


def enqueue(job):
    """Hand a committed job to the configured backend."""
    return backend().enqueue(job.id)
