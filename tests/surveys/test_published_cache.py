"""The prepared (cached) questionnaire of a published version: frozen, shared, and giving the
same pages, expression values and outcomes as the bare definition."""
import copy
import pickle

import pytest
from sqlalchemy import inspect
from werkzeug.datastructures import MultiDict

from research.extensions import db
from surveys.collect.questionnaire import published
from surveys.definition import pages
from surveys.questions import type_of
from surveys.questions.spec import FrozenDict, FrozenList, copy_json, freeze_json
from surveys.respond import (display_formatter, expression_context, pipe_spec,
                             render_respondent_page, respondent_page, screen_out_cause)
from surveys.respond.prepared import prepare
from tests.collect_support import ADULT_PAGES, Respondent, live_survey
from tests.surveys.test_respond_page import (APP, VALID, every_type_definition,
                                             paged_definition, variants_definition)

DEFINITIONS = [every_type_definition, paged_definition, variants_definition]
ANSWERS = {'AGE': 34, 'Q1': 2, 'Q5_1': 1, 'Q5_2': 0, 'Q5_3': 1, 'Q5_4': 0, 'Q5_99': 0,
           'NAME': 'Ann'}


def _page(definition, index, language='en', *, data=None, answers=None, prepared=None):
    formdata = None if data is None else MultiDict(data)
    with APP.test_request_context(method='POST' if data is not None else 'GET'):
        view = respondent_page(definition, index, language, seed='token-1', answers=answers,
                               formdata=formdata, prepared=prepared)
        html = render_respondent_page(view, action='/respond', language_action='/respond')
    return view, html


# --- freezing ---------------------------------------------------------------------------------

def test_frozen_json_refuses_changes_and_copies_are_plain():
    frozen = freeze_json({'a': [1, {'b': 2}], 'c': {}})
    assert frozen == {'a': [1, {'b': 2}], 'c': {}}
    assert isinstance(frozen, FrozenDict) and isinstance(frozen['a'], FrozenList)
    for change in (lambda: frozen.__setitem__('x', 1), lambda: frozen.update(x=1),
                   lambda: frozen.pop('a'), lambda: frozen['a'].append(3),
                   lambda: frozen['a'][1].setdefault('d', 4), lambda: frozen['c'].clear()):
        with pytest.raises(TypeError):
            change()
    for copied in (copy_json(frozen), copy.deepcopy(frozen)):
        copied['a'][1]['b'] = 5
        assert type(copied) is dict and type(copied['a']) is list
    assert frozen['a'][1]['b'] == 2
    assert type(copy.copy(frozen)) is dict
    assert pickle.loads(pickle.dumps(frozen)) == frozen


def test_prepared_questionnaire_is_frozen_and_leaves_its_input_alone():
    definition = paged_definition()
    before = copy.deepcopy(definition)
    prepared = prepare(definition)
    assert definition == before
    assert all(isinstance(spec, FrozenDict) for spec in prepared.specs)
    with pytest.raises(TypeError):
        prepared.specs[0]['settings']['required'] = False
    with pytest.raises(TypeError):
        prepared.pages[0].questions.append({})
    # The pages are made of the prepared specs themselves (what is remembered is shared).
    assert all(any(spec is own for own in prepared.specs)
               for page in prepared.pages for spec in page.questions)
    assert [[spec['variable'] for spec in page.questions] for page in prepared.pages] == [
        [spec['variable'] for spec in page.questions] for page in pages(definition)]


def test_remembered_settings_are_handed_out_as_copies():
    spec = prepare(paged_definition()).specs[0]
    kind = type_of(spec)
    settings = kind.settings(spec)
    settings['required'] = 'changed'
    assert kind.settings(spec)['required'] != 'changed'
    assert kind.settings(spec) == kind.settings(copy_json(spec))
    with pytest.raises(TypeError):
        settings['hint']['en'] = 'changed'  # nested values stay frozen


def test_piping_a_frozen_spec_copies_only_what_is_piped():
    prepared = prepare(paged_definition())
    values = expression_context(prepared.definition, ANSWERS, specs=prepared.specs)
    plain = next(spec for spec in prepared.specs if spec['variable'] == 'WHYBETA')
    assert pipe_spec(plain, values) is plain
    piped = next(spec for spec in prepared.specs if spec['variable'] == 'PIPED')
    result = pipe_spec(piped, values, prepared.formatter('en'))
    assert result is not piped and type(result) is dict
    assert '${' not in result['text']['en'] and '${Q1}' in piped['text']['en']


# --- the same results as the bare definition -----------------------------------------------------

@pytest.mark.parametrize('make', DEFINITIONS)
def test_expression_values_and_formatters_match_the_definition(make):
    definition = make()
    prepared = prepare(definition)
    assert (expression_context(prepared.definition, ANSWERS, specs=prepared.specs)
            == expression_context(definition, ANSWERS))
    for language in ('en', 'ru'):
        ours, theirs = prepared.formatter(language), display_formatter(definition, language)
        for name, value in [('Q1', 2), ('Q5', [1, 3]), ('AGE', 1234.5), ('CONSENT', True),
                            ('NAME', 'Ann'), ('OWNCAR', 1)]:
            assert ours(name, value) == theirs(name, value)
    assert prepared.formatter('en') is prepared.formatter('en')
    prepared.formatter('de')  # not a questionnaire language: built, not kept
    assert 'de' not in prepared._formatters


@pytest.mark.parametrize('make', DEFINITIONS)
def test_pages_match_the_definition(make):
    definition = make()
    prepared = prepare(definition)
    for index in range(len(pages(definition))):
        for language in ('en', 'ru'):
            for data in (None, [('action', 'next')], VALID):
                ours = _page(definition, index, language, data=data, answers=ANSWERS,
                             prepared=prepared)
                theirs = _page(definition, index, language, data=data, answers=ANSWERS)
                assert ours[1] == theirs[1]
                assert ours[0].answers == theirs[0].answers


def test_screen_out_matches_the_definition():
    definition = every_type_definition()
    prepared = prepare(definition)
    for answers in ({}, {'CONSENT': 1}, {'CONSENT': 2}, ANSWERS):
        assert screen_out_cause(prepared.definition, answers, specs=prepared.specs) == (
            screen_out_cause(definition, answers))


# --- the per-version cache ------------------------------------------------------------------------

def test_published_questionnaire_is_cached_without_reading_the_definition_again(
        client, make_user):
    survey = live_survey(make_user(email="owner@example.org"))
    version_class, version_id = type(survey.published_version), survey.published_version.id
    key = survey.public_key
    first = published(survey.published_version)
    db.session.close()
    version = db.session.get(version_class, version_id)
    assert 'definition' in inspect(version).unloaded  # a large column, loaded on access only
    assert published(version) is first
    assert 'definition' in inspect(version).unloaded
    # A respondent goes through the survey on the cached questionnaire.
    respondent = Respondent(client, f"/s/{key}")
    final = respondent.complete(ADULT_PAGES)
    assert "Thanks a lot!" in final.get_data(as_text=True)
