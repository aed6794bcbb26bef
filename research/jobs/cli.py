"""``flask jobs worker`` (an RQ worker with the app) and ``flask jobs cleanup`` (for cron)."""
import os

import click

from research.extensions import db


def init_app(app):
    @app.cli.group("jobs")
    def jobs_group():
        """Background jobs."""

    @jobs_group.command("worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    @click.option("--simple", is_flag=True, help="Run jobs in this process (no fork).")
    def worker_command(burst, simple):
        """Run an RQ worker on REDIS_URL's JOBS_QUEUE (jobs run with this app's context)."""
        from rq import SimpleWorker, Worker

        from research.jobs.queue import backend
        queue_backend = backend()
        if not hasattr(queue_backend, "queue"):
            raise click.ClickException("REDIS_URL is not set: jobs run inside the web process.")
        # A forked work horse must not reuse the parent's database connections.
        os.register_at_fork(after_in_child=lambda: db.engine.dispose(close=False))
        connection = queue_backend.connection()
        worker_class = SimpleWorker if simple else Worker
        worker = worker_class([queue_backend.queue(connection)], connection=connection)
        worker.work(burst=burst)

    @jobs_group.command("cleanup")
    def cleanup_command():
        """Fail jobs whose worker died; delete expired files and jobs (for cron)."""
        from research.jobs.cleanup import delete_expired, delete_orphan_files, fail_stale_jobs
        stale = fail_stale_jobs()
        expired = delete_expired()
        db.session.commit()
        orphans = delete_orphan_files()
        from research.imports.datasets import delete_orphan_data_files
        orphans += delete_orphan_data_files()
        click.echo(f"Stale jobs failed: {stale}; expired jobs deleted: {expired}; "
                   f"orphan files removed: {orphans}")
