"""Survey operations. Functions flush; the caller commits."""
from research.extensions import db
from research.models.types import utcnow
from surveys.models import QuestionnaireVersion, Survey


def create_survey(study, creator, title, kind, default_language, languages=()):
    """A draft survey with an empty draft questionnaire (version 1)."""
    all_languages = [default_language] + [code for code in languages if code != default_language]
    survey = Survey(study_id=study.id, title=title, kind=kind, status="draft",
                    default_language=default_language, languages=all_languages,
                    created_by_id=creator.id)
    survey.versions.append(QuestionnaireVersion(number=1, created_at=utcnow()))
    db.session.add(survey)
    db.session.flush()
    return survey
