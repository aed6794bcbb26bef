"""Background jobs: exports and other long work, off the request.

Embedded default: a small thread pool inside the web process. With ``REDIS_URL`` set, jobs go
to RQ and ``flask jobs worker`` runs them on any host. Either way :func:`runner.run_job` does
the work, in its own app context and database session.
"""
from flask import Blueprint

bp = Blueprint("jobs", __name__)


def init_app(app):
    from research.jobs import cli, queue, raw_export, report_export  # noqa: F401  (handlers)
    queue.init_app(app)
    cli.init_app(app)


from research.jobs import report_views, views  # noqa: E402,F401
