"""Anketa: the web application. ``create_app`` is the wiring diagram."""
import os

from flask import Flask

from research.config import CONFIGS, check_production_settings, settings_from_environment


def create_app(config=None):
    """Create the application.

    ``config`` is a mapping of settings for this app (tests pass one; it wins
    over everything), optionally naming the configuration class under
    ``CONFIG_NAME``; otherwise ``ANKETA_CONFIG`` names it (default: production).
    """
    overrides = dict(config or {})
    name = overrides.pop("CONFIG_NAME", None) or os.environ.get("ANKETA_CONFIG", "production")
    if name not in CONFIGS:
        raise RuntimeError(f"Unknown ANKETA_CONFIG {name!r}; use one of {sorted(CONFIGS)}.")

    app = Flask(__name__, instance_relative_config=True,
                template_folder=os.path.join(os.path.dirname(__file__), "..", "templates"))
    app.config.from_object(CONFIGS[name])
    app.config.update(settings_from_environment())
    app.config.update(overrides)
    app.config["CONFIG_NAME"] = name
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "anketa.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if name == "production":
        check_production_settings(app.config)

    from research import database  # noqa: F401  (registers the SQLite pragmas)
    from research.extensions import csrf, db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"),
                     render_as_batch=True, compare_type=True)
    from research import encoding
    encoding.init_app(app)  # before CSRF: a body that is not UTF-8 has no readable token
    csrf.init_app(app)

    import research.models  # noqa: F401  (every table must be known to Alembic)
    import surveys.models  # noqa: F401

    from research import auth, cli, errors, i18n, templating
    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    from research import imports, jobs
    jobs.init_app(app)
    imports.init_app(app)

    from research.admin import bp as admin_bp
    from research.api import bp as api_bp
    from research.api.token_views import tokens_bp
    from research.main import bp as main_bp
    from research.reports import bp as reports_bp
    from research.studies import bp as studies_bp
    from surveys.builder import bp as builder_bp
    from surveys.collect import bp as collect_bp
    from surveys.fieldwork import bp as fieldwork_bp
    from surveys.interviews import bp as interviews_bp
    from surveys.manage import bp as surveys_bp
    app.register_blueprint(main_bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(studies_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(builder_bp)
    app.register_blueprint(collect_bp)
    app.register_blueprint(fieldwork_bp)
    app.register_blueprint(interviews_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(tokens_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(jobs.bp)
    app.register_blueprint(imports.bp)
    csrf.exempt(api_bp)  # bearer tokens, not cookies: no cross-site request can carry them
    return app
