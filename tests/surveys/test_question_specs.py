"""Good question specs for every registered type, and a helper that submits a page form.

The other ``test_question_*`` modules import ``SPECS``, ``spec`` and ``submit`` from here. No
project fixtures are used: a tiny Flask app (CSRF off, Flask-Babel on) hosts the forms.
"""

import copy
from typing import NamedTuple

import flask
import pytest
from flask_babel import Babel
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from surveys.questions import all_types, check_questionnaire, get_type, type_of

APP = flask.Flask(__name__)
APP.config.update(SECRET_KEY='test', WTF_CSRF_ENABLED=False, TESTING=True)
Babel(APP)


def options(*labels, first=1, **flags_by_code):
    """Options with en and ru labels; ``flags_by_code={'c4': {'other': True}}`` adds settings."""
    return [{'code': first + index, 'label': {'en': label, 'ru': label + ' (ru)'},
             'settings': flags_by_code.get(f'c{first + index}', {})}
            for index, label in enumerate(labels)]


def text(en, ru=None):
    return {'en': en, 'ru': ru or en + ' (ru)'}


SPECS = {
    'short_text': {'variable': 'NAME', 'type': 'short_text', 'text': text('Your first name?'),
                   'settings': {'max_length': 20}},
    'long_text': {'variable': 'WHY', 'type': 'long_text', 'text': text('Why?'),
                  'settings': {'required': True}},
    'own_words': {'variable': 'OWN', 'type': 'own_words', 'text': text('Describe the brand'),
                  'settings': {'prompt': text('In your own words, please.')}},
    'sentence_completion': {
        'variable': 'SC', 'type': 'sentence_completion', 'text': text('Complete the sentence'),
        'settings': {'stem': {'en': 'When I drink coffee, I ___',
                              'ru': 'Когда я пью кофе, я ___'}}},
    'story_completion': {'variable': 'STORY', 'type': 'story_completion',
                         'text': text('How does it end?'),
                         'settings': {'story': text('Anna walked into the shop and ...')}},
    'email': {'variable': 'MAIL', 'type': 'email', 'text': text('Your e-mail?')},
    'numeric': {'variable': 'AGE', 'type': 'numeric', 'text': text('Your age?'),
                'settings': {'min': 0, 'max': 120, 'required': True}},
    'date': {'variable': 'VISIT', 'type': 'date', 'text': text('When did you visit?'),
             'settings': {'min': '2000-01-01', 'max': '2030-12-31'}},
    'word_association': {'variable': 'WA', 'type': 'word_association',
                         'text': text('What comes to mind?'),
                         'settings': {'associations': 2, 'required': True},
                         'rows': options('coffee', 'tea')},
    'single_choice': {'variable': 'Q1', 'type': 'single_choice', 'text': text('Favourite?'),
                      'options': options('Alpha', 'Beta', 'Gamma', 'Other',
                                         c4={'other': True})},
    'multiple_choice': {'variable': 'Q5', 'type': 'multiple_choice', 'text': text('Which brands?'),
                        'settings': {'max_selections': 2, 'randomize': 'shuffle'},
                        'options': options('Alpha', 'Beta', 'Gamma', 'Other',
                                           c4={'other': True}) + options(
                            'None of these', first=99, c99={'exclusive': True})},
    'dichotomous': {'variable': 'OWNCAR', 'type': 'dichotomous', 'text': text('Own a car?')},
    'likert': {'variable': 'L1', 'type': 'likert', 'text': text('The brand is modern.'),
               'settings': {'points': 5}},
    'importance': {'variable': 'IMP', 'type': 'importance', 'text': text('Price?')},
    'rating': {'variable': 'RATE', 'type': 'rating', 'text': text('Rate the service'),
               'settings': {'points': 10, 'label_low': text('Poor'),
                            'label_high': text('Excellent')}},
    'nps': {'variable': 'NPS', 'type': 'nps', 'text': {},
            'settings': {'subject': {'en': 'Anketa', 'ru': 'Анкету'}}},
    'semantic_differential': {
        'variable': 'SD', 'type': 'semantic_differential', 'text': text('The brand is ...'),
        'settings': {'points': 5},
        'rows': [{'code': 1, 'label': {}, 'settings': {'label_left': text('cheap'),
                                                       'label_right': text('expensive')}},
                 {'code': 2, 'label': {}, 'settings': {'label_left': text('old'),
                                                       'label_right': text('modern')}}]},
    'grid': {'variable': 'G', 'type': 'grid', 'text': text('How satisfied are you with ...'),
             'settings': {'required': True},
             'rows': options('price', 'quality', 'service'),
             'options': options('Low', 'Medium', 'High')},
    'ranking': {'variable': 'RK', 'type': 'ranking', 'text': text('Rank the brands'),
                'rows': options('A', 'B', 'C', 'D')},
    'constant_sum': {'variable': 'CS', 'type': 'constant_sum', 'text': text('Share 100 points'),
                     'rows': options('Price', 'Taste', 'Brand')},
    'instruction': {'variable': 'INTRO', 'type': 'instruction', 'text': text('Thank you!')},
    'section': {'variable': 'S2', 'type': 'section', 'text': text('About you'),
                'settings': {'relevant': '${AGE} >= 18'}},
    'consent': {'variable': 'CONSENT', 'type': 'consent', 'text': text('Do you agree?')},
    'randomizer': {'variable': 'AB', 'type': 'randomizer', 'text': text('Price test'),
                   'options': [{'code': 1, 'label': text('Low price'), 'settings': {'share': 30}},
                               {'code': 2, 'label': text('High price'),
                                'settings': {'share': 70}}]},
}

#: Expression types of the variables the good specs may refer to.
KNOWN = {'AGE': 'number', 'Q1': 'select_one'}


def spec(name: str, **changes) -> dict:
    """A deep copy of ``SPECS[name]``; a ``settings`` dict is merged, anything else replaces."""
    result = copy.deepcopy(SPECS[name])
    settings = changes.pop('settings', None)
    if isinstance(settings, dict):
        result['settings'] = {**result.get('settings', {}), **settings}
    elif settings is not None:
        result['settings'] = settings
    result.update(changes)
    return result


class Submitted(NamedTuple):
    valid: bool
    field_errors: dict
    group_errors: list
    answers: dict
    html: str


def submit(question: dict, data=(), *, language='en', context=None, option_order=None,
           row_order=None) -> Submitted:
    """Build the page form for ``question`` per request, post ``data`` and read it back."""
    kind = type_of(question)
    with APP.test_request_context(method='POST'):
        fields = kind.form_fields(question, language, option_order=option_order,
                                  row_order=row_order, context=context)
        page_form = type('PageForm', (FlaskForm,), dict(fields))
        form = page_form(formdata=MultiDict(list(data.items()) if isinstance(data, dict)
                                            else list(data)))
        valid = form.validate()
        group = [str(message) for message in kind.validate_group(question, form, language,
                                                                 context=context)]
        errors = {name: [str(message) for message in messages]
                  for name, messages in form.errors.items()}
        html = '\n'.join(str(field()) for field in form)
        return Submitted(valid, errors, group, kind.answers_from_form(question, form), html)


def test_every_registered_type_has_a_good_spec():
    assert sorted(SPECS) == sorted(kind.name for kind in all_types())


@pytest.mark.parametrize('name', sorted(SPECS))
@pytest.mark.parametrize('language', ['en', 'ru'])
def test_good_spec_has_no_problems(name, language):
    assert get_type(name).check_spec(SPECS[name], language=language, known=KNOWN) == []


def test_good_specs_form_a_valid_questionnaire():
    ordered = [SPECS['numeric'], SPECS['single_choice']] + [
        question for name, question in SPECS.items() if name not in ('numeric', 'single_choice')]
    assert check_questionnaire(ordered, language='en') == []


@pytest.mark.parametrize('name', sorted(SPECS))
def test_new_spec_is_a_starting_point_of_the_right_type(name):
    kind = get_type(name)
    fresh = kind.new_spec('X1')
    assert fresh['type'] == name and fresh['variable'] == 'X1'
    assert set(fresh['settings']) <= set(kind.default_settings)
