"""Configuration classes.

The environment chooses one with ``ANKETA_CONFIG`` (``production`` unless set),
and individual settings come from environment variables read when the app is
created, never at import time, so that tests can pass their own mapping to
``create_app``.
"""
import os
from datetime import timedelta

#: The development secret: good enough on a laptop, refused in production.
DEV_SECRET_KEY = "dev-only-secret-change-me"

LANGUAGES = {"en": "English", "ru": "Русский"}


def normalise_database_url(url):
    """Point plain ``postgres://`` URLs (as hosting providers give them) at psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class BaseConfig:
    SECRET_KEY = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # filled in from the instance folder when None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: Uploads bigger than this get a 413 page (imports check their own 10 MB limit).
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = LANGUAGES
    #: ``open``: anyone may register; ``invite``: only with an invitation link.
    #: Admins can change it at run time (stored in the database); this is the default.
    REGISTRATION_MODE = "open"
    #: Outgoing mail; invitations are shown as links when no server is configured.
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "Anketa <no-reply@localhost>"
    #: How long a study invitation link stays valid.
    INVITATION_VALID_DAYS = 14
    #: The demo researcher's credentials, printed by ``make run``.
    DEMO_EMAIL = "demo@anketa.local"
    DEMO_PASSWORD = "demo-research-2024"
    #: Redis for RQ workers; unset: background jobs run in threads of the web process.
    REDIS_URL = None
    #: The RQ queue the app enqueues on and ``flask jobs worker`` listens to.
    JOBS_QUEUE = "anketa"
    #: Threads of the in-process backend.
    JOB_THREADS = 2
    #: Where finished job files go (default: ``instance/job-files``).
    JOB_FILES_DIR = None
    #: Finished files and jobs are deleted by ``flask jobs cleanup`` after this.
    JOB_RETENTION_HOURS = 72
    #: A running job silent for this long is taken for dead (its worker stopped).
    JOB_STALE_MINUTES = 15
    #: Where imported datasets are kept as Parquet files (default: ``instance/imported-data``).
    IMPORTED_DATA_DIR = None
    #: The largest file the "Import data" page accepts, in bytes (that page alone is exempt
    #: from ``MAX_CONTENT_LENGTH``).
    IMPORT_MAX_BYTES = 200 * 1024 * 1024


class DevelopmentConfig(BaseConfig):
    DEBUG = True


class TestingConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "testing-secret-not-for-production"
    WTF_CSRF_ENABLED = True


class ProductionConfig(BaseConfig):
    SECRET_KEY = None
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

#: Environment variables read at app creation: name -> (config key, converter).
ENVIRONMENT_SETTINGS = {
    "SECRET_KEY": ("SECRET_KEY", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", normalise_database_url),
    "REDIS_URL": ("REDIS_URL", str),
    "JOB_FILES_DIR": ("JOB_FILES_DIR", str),
    "JOB_RETENTION_HOURS": ("JOB_RETENTION_HOURS", int),
    "IMPORTED_DATA_DIR": ("IMPORTED_DATA_DIR", str),
    "IMPORT_MAX_BYTES": ("IMPORT_MAX_BYTES", int),
    "ANKETA_REGISTRATION": ("REGISTRATION_MODE", str),
    "MAIL_SERVER": ("MAIL_SERVER", str),
    "MAIL_PORT": ("MAIL_PORT", int),
    "MAIL_USE_TLS": ("MAIL_USE_TLS", lambda v: v.lower() in ("1", "true", "yes")),
    "MAIL_USERNAME": ("MAIL_USERNAME", str),
    "MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "MAIL_SENDER": ("MAIL_SENDER", str),
    "ANKETA_COOKIE_SECURE": (
        "SESSION_COOKIE_SECURE", lambda v: v.lower() in ("1", "true", "yes")),
}


def settings_from_environment(environ=None):
    """Read the deployment settings that are present in ``environ``."""
    environ = os.environ if environ is None else environ
    found = {}
    for variable, (key, convert) in ENVIRONMENT_SETTINGS.items():
        if environ.get(variable):
            found[key] = convert(environ[variable])
    if "SESSION_COOKIE_SECURE" in found:
        found["REMEMBER_COOKIE_SECURE"] = found["SESSION_COOKIE_SECURE"]
    return found


def check_production_settings(config):
    """Refuse to start production with a missing or well-known secret key."""
    key = config.get("SECRET_KEY")
    if not key or key in (DEV_SECRET_KEY, TestingConfig.SECRET_KEY) or len(key) < 24:
        raise RuntimeError(
            "SECRET_KEY is missing, a default, or shorter than 24 characters. "
            "Set the SECRET_KEY environment variable to a long random value, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))'.")
    if config.get("REGISTRATION_MODE") not in ("open", "invite"):
        raise RuntimeError("ANKETA_REGISTRATION must be 'open' or 'invite'.")
