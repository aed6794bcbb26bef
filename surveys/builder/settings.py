"""Questionnaire-level settings of the draft: languages, titles and texts, option lists."""
import copy
import re

from flask_babel import lazy_gettext as _l

from research.exceptions import DomainError
from research.extensions import db
from surveys.builder.services import ensure_draft

#: Texts the respondent sees outside the questions, per language.
QUESTIONNAIRE_TEXTS = ("title", "welcome", "thank_you", "screened_out", "over_quota")
LIST_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def update_questionnaire(survey, default_language, languages, texts):
    """Set the questionnaire's languages and its texts (``{key: {lang: text}}``).

    Removing a language keeps the texts already written in it, so adding it
    back restores them; it only stops being offered to respondents.
    """
    if default_language not in languages:
        languages = [default_language] + list(languages)
    draft = ensure_draft(survey)
    settings = dict(draft.settings or {})
    for key in QUESTIONNAIRE_TEXTS:
        merged = dict(settings.get(key) or {})
        merged.update({lang: text for lang, text in (texts.get(key) or {}).items()})
        settings[key] = {lang: text for lang, text in merged.items() if text}
    draft.settings = settings
    survey.default_language = default_language
    survey.languages = [default_language] + [lang for lang in languages
                                             if lang != default_language]
    db.session.flush()


def option_lists(survey):
    draft = survey.draft_version
    return dict((draft.settings or {}).get("option_lists") or {}) if draft else {}


def save_option_list(survey, name, items, old_name=None):
    """Create or replace a shared option list (used by ``settings.option_list``)."""
    if not LIST_NAME.match(name or ""):
        raise DomainError(_l("A list name uses small Latin letters, digits and _, starting "
                             "with a letter (e.g. brands)."), field="name")
    if not items:
        raise DomainError(_l("The list needs at least one option."), field="items")
    draft = ensure_draft(survey)
    settings = copy.deepcopy(draft.settings or {})
    lists = settings.setdefault("option_lists", {})
    if name != old_name and name in lists:
        raise DomainError(_l("There is already a list called %(name)s.", name=name),
                          field="name")
    if old_name and old_name != name:
        lists.pop(old_name, None)
        for question in draft.questions:
            if (question.settings or {}).get("option_list") == old_name:
                question.settings = {**question.settings, "option_list": name}
    lists[name] = items
    draft.settings = settings
    db.session.flush()


def delete_option_list(survey, name):
    draft = ensure_draft(survey)
    users = [q.variable for q in draft.questions if (q.settings or {}).get("option_list") == name]
    if users:
        raise DomainError(_l("The list is used by %(questions)s; change those questions first.",
                             questions=", ".join(users)))
    settings = copy.deepcopy(draft.settings or {})
    (settings.get("option_lists") or {}).pop(name, None)
    draft.settings = settings
    db.session.flush()
