"""Command-line tools: ``flask demo``, ``flask fieldwork sweep``."""
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


    @app.cli.group("fieldwork")
    def fieldwork_group():
        """Fieldwork maintenance."""

    @fieldwork_group.command("sweep")
    def sweep_command():
        """Mark interviews left untouched past their survey's limit as abandoned (for cron)."""
        from sqlalchemy import select

        from surveys.collect.flow import sweep_abandoned
        from surveys.models import Survey
        total = 0
        for survey in db.session.scalars(select(Survey).where(Survey.status != "draft")):
            total += sweep_abandoned(survey)
        db.session.commit()
        click.echo(f"Abandoned interviews marked: {total}")


def app_config_password(app):
    return app.config["DEMO_PASSWORD"]
