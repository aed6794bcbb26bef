"""Pages of a questionnaire: sections, and breaks before same-page dependencies."""
import flask
import pytest
from flask_babel import Babel

from surveys.definition import new_definition, pages


@pytest.fixture(autouse=True)
def babel_context():
    app = flask.Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield


def q(variable, type_="short_text", **settings):
    return {"variable": variable, "type": type_, "text": {"en": f"{variable}?"},
            "settings": settings, "options": [], "rows": []}


def layout(*questions):
    document = new_definition({"en": "T"}, ["en"], "en")
    document["questions"] = list(questions)
    return [([s["variable"] for s in page.questions], page.section and page.section["variable"])
            for page in pages(document)]


def test_sections_start_pages():
    assert layout(q("Q1"), q("S1", "section"), q("Q2"), q("Q3")) == [
        (["Q1"], None), (["Q2", "Q3"], "S1")]


def test_a_condition_on_the_same_page_starts_a_new_page_of_the_same_section():
    assert layout(q("S1", "section"), q("Q1", "dichotomous"), q("Q2", relevant="${Q1} = 1"),
                  q("Q3")) == [(["Q1"], "S1"), (["Q2", "Q3"], "S1")]


def test_required_if_and_piping_count_as_dependencies_too():
    piped = q("Q2")
    piped["text"] = {"en": "Why ${Q1}?"}
    assert layout(q("Q1"), piped) == [(["Q1"], None), (["Q2"], None)]
    assert layout(q("Q1"), q("Q2", required_if="${Q1} = 'x'")) == [(["Q1"], None),
                                                                    (["Q2"], None)]


def test_conditions_on_earlier_pages_and_randomisers_need_no_break():
    randomizer = {"variable": "AB", "type": "randomizer", "text": {"en": "AB"}, "settings": {},
                  "options": [{"code": 1, "label": {"en": "A"}},
                              {"code": 2, "label": {"en": "B"}}], "rows": []}
    assert layout(q("Q1"), q("S1", "section"), q("Q2", relevant="${Q1} = 'x'"), randomizer,
                  q("I1", "instruction", relevant="${AB} = 1")) == [
        (["Q1"], None), (["Q2", "AB", "I1"], "S1")]
