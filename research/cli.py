"""Command-line tools: ``flask demo``."""
import click

from research.extensions import db


def init_app(app):
    @app.cli.command("demo")
    def demo_command():
        """Create (or refresh) the demo researcher and the demo study. Idempotent."""
        from research.demo import load_demo
        user, study = load_demo()
        db.session.commit()
        click.echo(f"Demo study: {study.title}")
        click.echo(f"Demo login: {user.email} / {app_config_password(app)}")


def app_config_password(app):
    return app.config["DEMO_PASSWORD"]
