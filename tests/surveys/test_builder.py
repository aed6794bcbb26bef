"""The questionnaire builder over HTTP: questions, logic, versions, library."""
import html
import re

import pytest
from sqlalchemy import select

from research.extensions import db
from surveys.manage.services import create_survey
from surveys.models import LibraryItem, Question

PASSWORD = "correct horse battery"


@pytest.fixture
def survey_for(make_study):
    def make(owner, members=None, languages=("en",)):
        study = make_study(owner, members=members)
        survey = create_survey(study, owner, "Brand tracker", "adhoc", "ru", list(languages))
        db.session.commit()
        return study, survey
    return make


def base(study, survey):
    return f"/studies/{study.id}/surveys/{survey.id}/builder"


def add(web, study, survey, type_):
    response = web.post(f"{base(study, survey)}/questions", {"type": type_})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def save(web, study, survey, question_id, **data):
    return web.post(f"{base(study, survey)}/questions/{question_id}", data)


def questions(survey):
    db.session.expire_all()
    return survey.draft_version.questions


def test_add_and_edit_a_single_choice_question_with_bulk_options(logged_in, survey_for):
    web, user = logged_in
    study, survey = survey_for(user)
    qid = add(web, study, survey, "single_choice")
    page = web.get(f"{base(study, survey)}/questions/{qid}").get_data(as_text=True)
    assert "Options (RU)" in page and "Text (EN)" in page
    response = save(web, study, survey, qid, variable="BRAND", text__ru="Какой марки?",
                    text__en="Which brand?", setting__required="y",
                    options__ru="Альфа\nБета\n98 = Другое [other]\n99 = Не знаю [anchored]",
                    options__en="Alpha\nBeta\nOther\nDon't know", setting__randomize="shuffle")
    assert response.status_code == 302, response.get_data(as_text=True)
    question = questions(survey)[0]
    assert question.variable == "BRAND" and question.settings["required"] is True
    assert question.settings["randomize"] == "shuffle"
    assert [(o["code"], o["label"]["ru"], o["label"].get("en")) for o in question.options] == [
        (1, "Альфа", "Alpha"), (2, "Бета", "Beta"), (98, "Другое", "Other"),
        (99, "Не знаю", "Don't know")]
    assert question.options[2]["settings"] == {"other": True}
    outline = web.get(base(study, survey) + "/").get_data(as_text=True)
    assert "BRAND" in outline and "Какой марки?" in outline


@pytest.mark.parametrize("changes, message", [
    ({"setting__relevant": "${NOPE} = 1"}, "Unknown variable ${NOPE}"),
    ({"setting__relevant": "${Q1} = = 2"}, "Unexpected"),
    ({"variable": "1bad"}, "variable"),
    ({"variable": "BY"}, "reserved"),
    ({"options__ru": "1 = A\n1 = B"}, "Code 1 is used twice"),
    ({"options__ru": "A [sparkly]"}, "Unknown mark"),
    ({"text__ru": ""}, "text"),
    ({"advanced": "[1, 2"}, "JSON object"),
])
def test_bad_question_input_is_refused_and_nothing_changes(logged_in, survey_for, changes,
                                                           message):
    web, user = logged_in
    study, survey = survey_for(user)
    first = add(web, study, survey, "single_choice")
    save(web, study, survey, first, variable="Q1", text__ru="Первый", options__ru="Да\nНет")
    qid = add(web, study, survey, "single_choice")
    data = {"variable": "Q2", "text__ru": "Второй?", "options__ru": "A\nB", **changes}
    response = save(web, study, survey, qid, **data)
    assert response.status_code == 200
    assert message.lower() in response.get_data(as_text=True).lower()
    question = questions(survey)[1]
    assert question.text == {} and question.options == []


def test_variable_names_stay_unique(logged_in, survey_for):
    web, user = logged_in
    study, survey = survey_for(user)
    first = add(web, study, survey, "multiple_choice")
    save(web, study, survey, first, variable="Q5", text__ru="Что?", options__ru="A\nB")
    second = add(web, study, survey, "short_text")
    clash = save(web, study, survey, second, variable="Q5_1", text__ru="Текст")
    assert "already" in clash.get_data(as_text=True)


def test_move_duplicate_delete(logged_in, survey_for):
    web, user = logged_in
    study, survey = survey_for(user)
    a = add(web, study, survey, "short_text")
    b = add(web, study, survey, "numeric")
    web.post(f"{base(study, survey)}/questions/{b}/up")
    assert [q.id for q in questions(survey)] == [b, a]
    web.post(f"{base(study, survey)}/questions/{b}/duplicate")
    names = [q.variable for q in questions(survey)]
    assert names[0] == "Q2" and len(set(names)) == 3
    web.post(f"{base(study, survey)}/questions/{a}/delete")
    assert a not in [q.id for q in questions(survey)]


def test_viewers_cannot_edit_and_outsiders_see_nothing(web, make_user, survey_for):
    owner, viewer, outsider = make_user(), make_user(), make_user()
    study, survey = survey_for(owner, members={viewer: "viewer"})
    web.login(viewer.email, PASSWORD)
    assert web.get(base(study, survey) + "/").status_code == 200
    assert web.post(f"{base(study, survey)}/questions", {"type": "short_text"}).status_code == 403
    web.logout()
    web.login(outsider.email, PASSWORD)
    assert web.get(base(study, survey) + "/").status_code == 404
    assert web.post(f"{base(study, survey)}/publish").status_code == 404


def test_a_question_of_another_survey_is_404(logged_in, survey_for):
    web, user = logged_in
    study, survey = survey_for(user)
    other_study, other = survey_for(user)
    qid = add(web, other_study, other, "short_text")
    assert web.get(f"{base(study, survey)}/questions/{qid}").status_code == 404


def publishable(web, study, survey):
    qid = add(web, study, survey, "single_choice")
    save(web, study, survey, qid, variable="Q1", text__ru="Пол?", text__en="Gender?",
         options__ru="1 = Мужской\n2 = Женский", options__en="Male\nFemale")
    return qid


def test_publishing_freezes_a_version_and_edits_go_to_the_next(logged_in, survey_for):
    web, user = logged_in
    study, survey = survey_for(user)
    empty = add(web, study, survey, "short_text")
    refused = web.post(f"{base(study, survey)}/publish", follow_redirects=True)
    assert "Fix the problems" in refused.get_data(as_text=True)
    web.post(f"{base(study, survey)}/questions/{empty}/delete")
    publishable(web, study, survey)
    web.post(f"{base(study, survey)}/publish")
    db.session.expire_all()
    v1 = survey.published_version
    assert v1.number == 1 and survey.draft_version is None
    assert [q["variable"] for q in v1.definition["questions"]] == ["Q1"]
    assert v1.variables[0]["value_labels"] == [[1, "Мужской"], [2, "Женский"]]
    # Editing needs a new draft; the published version stays as it was.
    web.post(f"{base(study, survey)}/draft")
    db.session.expire_all()
    draft = survey.draft_version
    assert draft.number == 2 and [q.variable for q in draft.questions] == ["Q1"]
    changed = draft.questions[0].id
    save(web, study, survey, changed, variable="Q1", text__ru="Пол?",
         options__ru="1 = Женский\n2 = Мужской", options__en="Female\nMale")
    outline = web.get(base(study, survey) + "/").get_data(as_text=True)
    assert "code 1 meant “Мужской” in version 1" in outline
    db.session.expire_all()
    assert survey.versions[0].definition["questions"][0]["options"][0]["label"]["ru"] == \
        "Мужской"
    page = web.get(f"{base(study, survey)}/versions/1").get_data(as_text=True)
    assert "Мужской" in page


def test_a_dropped_question_name_is_not_reused(logged_in, survey_for):
    web, user = logged_in
    study, survey = survey_for(user)
    publishable(web, study, survey)
    web.post(f"{base(study, survey)}/publish")
    web.post(f"{base(study, survey)}/draft")
    db.session.expire_all()
    web.post(f"{base(study, survey)}/questions/{survey.draft_version.questions[0].id}/delete")
    add(web, study, survey, "short_text")
    assert [q.variable for q in questions(survey)] == ["Q2"]


def test_standard_library_block_is_inserted_with_unique_names(logged_in, survey_for):
    web, user = logged_in
    study, survey = survey_for(user)
    web.post(f"{base(study, survey)}/library/insert", {"item": "std:nps"})
    web.post(f"{base(study, survey)}/library/insert", {"item": "std:nps"},
             follow_redirects=True)
    names = [q.variable for q in questions(survey)]
    assert names[:2] == ["NPS", "NPS_WHY"] and len(set(names)) == 4
    bad = web.post(f"{base(study, survey)}/library/insert", {"item": "item:99999"})
    assert bad.status_code == 302  # not a valid choice: refused with a message
    assert len(questions(survey)) == 4


def test_saved_blocks_are_shared_within_the_users_studies_only(web, make_user, survey_for):
    owner, stranger = make_user(), make_user()
    study, survey = survey_for(owner)
    web.login(owner.email, PASSWORD)
    publishable(web, study, survey)
    web.post(f"{base(study, survey)}/library/save", {"title": "Gender", "first": 0, "last": 0})
    item = db.session.scalar(select(LibraryItem))
    assert item.title == "Gender" and item.items[0]["variable"] == "Q1"
    other_study, other_survey = survey_for(owner)
    web.post(f"{base(other_study, other_survey)}/library/insert", {"item": f"item:{item.id}"})
    assert [q.variable for q in questions(other_survey)] == ["Q1"]
    web.logout()
    web.login(stranger.email, PASSWORD)
    stranger_study, stranger_survey = survey_for(stranger)
    web.post(f"{base(stranger_study, stranger_survey)}/library/insert",
             {"item": f"item:{item.id}"})
    assert db.session.scalar(select(Question).where(
        Question.version_id == stranger_survey.draft_version.id)) is None


def test_languages_texts_and_missing_translations(logged_in, survey_for):
    web, user = logged_in
    study, survey = survey_for(user, languages=())
    qid = add(web, study, survey, "short_text")
    save(web, study, survey, qid, variable="Q1", text__ru="Ваше имя?")
    response = web.post(f"{base(study, survey)}/settings", {
        "default_language": "ru", "languages": ["ru", "en"], "title__ru": "Опрос",
        "welcome__ru": "Здравствуйте!"})
    assert response.status_code == 302
    db.session.expire_all()
    assert survey.languages == ["ru", "en"]
    assert survey.draft_version.settings["welcome"] == {"ru": "Здравствуйте!"}
    outline = web.get(base(study, survey) + "/").get_data(as_text=True)
    assert "Missing translations:" in outline and "text (en)" in outline
    page = web.get(f"{base(study, survey)}/questions/{qid}").get_data(as_text=True)
    assert "Text (EN)" in page
    save(web, study, survey, qid, variable="Q1", text__ru="Ваше имя?", text__en="Your name?")
    assert "Missing translations:" not in web.get(base(study, survey) + "/").get_data(
        as_text=True)


def test_shared_option_list_used_by_questions(logged_in, survey_for):
    web, user = logged_in
    study, survey = survey_for(user)
    bad = web.post(f"{base(study, survey)}/lists", {"name": "Brands!", "items__ru": "A"})
    assert "small Latin letters" in bad.get_data(as_text=True)
    web.post(f"{base(study, survey)}/lists", {"name": "brands", "items__ru": "Альфа\nБета",
                                              "items__en": "Alpha\nBeta"})
    qid = add(web, study, survey, "multiple_choice")
    response = save(web, study, survey, qid, variable="Q1", text__ru="Какие?",
                    text__en="Which?", option_list="brands")
    assert response.status_code == 302
    question = questions(survey)[0]
    assert question.settings["option_list"] == "brands" and question.options == []
    clash = add(web, study, survey, "short_text")
    refused = save(web, study, survey, clash, variable="Q1_2", text__ru="x", text__en="x")
    assert "already" in refused.get_data(as_text=True)
    in_use = web.post(f"{base(study, survey)}/lists/brands/delete", follow_redirects=True)
    assert "used by Q1" in in_use.get_data(as_text=True)
    web.post(f"{base(study, survey)}/lists", {"old_name": "brands", "name": "makes",
                                              "items__ru": "1 = Альфа\n2 = Бета\nГамма"})
    assert questions(survey)[0].settings["option_list"] == "makes"


def test_piping_must_refer_to_an_earlier_question(logged_in, survey_for):
    web, user = logged_in
    study, survey = survey_for(user)
    first = add(web, study, survey, "single_choice")
    save(web, study, survey, first, variable="CITY", text__ru="Город?", options__ru="Москва\nКазань")
    second = add(web, study, survey, "short_text")
    refused = save(web, study, survey, second, variable="Q2", text__ru="Почему ${CTY}?")
    assert "${CTY} in the text is not a variable of an earlier question" in \
        refused.get_data(as_text=True)
    ok = save(web, study, survey, second, variable="Q2", text__ru="Почему ${CITY}?")
    assert ok.status_code == 302


def test_likert_default_labels_follow_the_number_of_points(logged_in, survey_for):
    web, user = logged_in
    study, survey = survey_for(user)
    qid = add(web, study, survey, "likert")
    page = web.get(f"{base(study, survey)}/questions/{qid}").get_data(as_text=True)
    shown_ru = re.search(r'<textarea[^>]*name="options__ru"[^>]*>\s*(.*?)</textarea>', page,
                         re.S).group(1)
    shown_en = re.search(r'<textarea[^>]*name="options__en"[^>]*>\s*(.*?)</textarea>', page,
                         re.S).group(1)
    response = save(web, study, survey, qid, variable="Q1", text__ru="Кофе бодрит.",
                    text__en="Coffee wakes me up.", setting__points="7",
                    options__ru=html.unescape(shown_ru), options__en=html.unescape(shown_en))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    question = questions(survey)[0]
    assert question.options == [] and question.settings["points"] == 7
    assert "relevant" not in question.settings  # empty fields are not stored


def test_renaming_a_variable_follows_its_references(logged_in, survey_for):
    web, user = logged_in
    study, survey = survey_for(user)
    first = add(web, study, survey, "single_choice")
    save(web, study, survey, first, variable="Q1", text__ru="Город?", options__ru="A\nB")
    second = add(web, study, survey, "short_text")
    save(web, study, survey, second, variable="Q2", text__ru="Почему ${Q1}?",
         setting__relevant="${Q1} = 1")
    save(web, study, survey, first, variable="CITY", text__ru="Город?", options__ru="A\nB")
    follower = questions(survey)[1]
    assert follower.text["ru"] == "Почему ${CITY}?"
    assert follower.settings["relevant"] == "${CITY} = 1"


def test_delete_asks_first_and_keeps_published_versions(logged_in, survey_for):
    web, user = logged_in
    study, survey = survey_for(user)
    qid = publishable(web, study, survey)
    page = web.get(f"{base(study, survey)}/questions/{qid}/delete").get_data(as_text=True)
    assert "Delete Q1?" in page and "Пол?" in page
    assert len(questions(survey)) == 1  # looking at the page deletes nothing
    web.post(f"{base(study, survey)}/publish")
    web.post(f"{base(study, survey)}/draft")
    db.session.expire_all()
    web.post(f"{base(study, survey)}/questions/{survey.draft_version.questions[0].id}/delete")
    assert questions(survey) == []
    exported = web.get(f"{base(study, survey)}/export.json?version=1").get_json()
    assert [q["variable"] for q in exported["questions"]] == ["Q1"]
    assert web.get(f"{base(study, survey)}/export.json?version=7").status_code == 404
