"""Respondent pages composed per request from a definition: markup, answers, errors, relevance,
piping and option order.

A tiny Flask app (Flask-Babel with the project's catalogues, CSRF off unless a test turns it on)
renders the project's ``templates/respond/`` pages; no database is needed. The browser tests
(``tests/browser/test_respond_accessibility.py``) reuse the definitions made here.
"""

import copy
import re
from html.parser import HTMLParser
from pathlib import Path

import flask
import pytest
from flask_babel import Babel
from werkzeug.datastructures import MultiDict

from surveys.definition import check_definition, new_definition, pages
from surveys.questions import all_types, get_type, labels, type_of
from surveys.respond import (answers_from_page, build_page_form, expression_context,
                             page_is_visible, page_progress, render_respondent_page,
                             respondent_page, skipped_answers, validate_page, visible_items)
from tests.surveys.test_question_specs import SPECS, options, text

ROOT = Path(__file__).resolve().parents[2]


def make_app(**config):
    app = flask.Flask(__name__, template_folder=str(ROOT / 'templates'),
                      static_folder=str(ROOT / 'research' / 'static'))
    app.config.update({'SECRET_KEY': 'test', 'WTF_CSRF_ENABLED': False, 'TESTING': True,
                       **config})
    Babel(app, default_translation_directories=str(ROOT / 'research' / 'translations'))
    return app


APP = make_app()

def every_type_definition():
    """One page with a question of every registered type (the section starts a second page)."""
    first = ['numeric', 'single_choice']
    names = first + [name for name in SPECS if name not in first + ['section']]
    questions = [copy.deepcopy(SPECS[name]) for name in names]
    questions += [copy.deepcopy(SPECS['section']),
                  {'variable': 'LAST', 'type': 'short_text', 'text': text('Anything else?')}]
    return definition(questions)


def definition(questions, languages=('en', 'ru')):
    result = new_definition({'en': 'Coffee habits', 'ru': 'Кофейные привычки'}, languages, 'en')
    result['questions'] = questions
    return result


def paged_definition():
    """Three pages: screening, a section for adults with relevance and piping, the end."""
    return definition([
        copy.deepcopy(SPECS['numeric']), copy.deepcopy(SPECS['single_choice']),
        copy.deepcopy(SPECS['multiple_choice']), copy.deepcopy(SPECS['short_text']),
        copy.deepcopy(SPECS['section']),
        {'variable': 'PIPED', 'type': 'single_choice',
         'text': {'en': 'You prefer ${Q1} and use ${Q5}, ${NAME}.',
                  'ru': 'Вы предпочитаете ${Q1}, пользуетесь ${Q5}, ${NAME}.'},
         'settings': {'hint': text('You are ${AGE}.')},
         'options': [{'code': 1, 'label': text('More ${Q1}'), 'settings': {}},
                     {'code': 2, 'label': text('Less'), 'settings': {}}]},
        {'variable': 'WHYBETA', 'type': 'short_text', 'text': text('Why Beta?'),
         'settings': {'relevant': '${Q1} = 2'}},
        {'variable': 'INFO', 'type': 'instruction', 'text': text('For Alpha users'),
         'settings': {'relevant': "selected(${Q5}, '1')"}},
        {'variable': 'S3', 'type': 'section', 'text': text('The end')},
        {'variable': 'LAST', 'type': 'long_text', 'text': text('Anything else?'),
         'settings': {'required_if': '${AGE} < 30'}},
    ])


def variants_definition():
    """The other shapes of the types: dropdown, grid with checkboxes, 7-point scales, long texts."""
    likert_7 = copy.deepcopy(labels.LIKERT_7)
    return definition([
        {'variable': 'DROP', 'type': 'single_choice', 'text': text('Which city do you live in?'),
         'settings': {'display': 'dropdown', 'required': True,
                      'hint': text('Choose the nearest city.')},
         'options': options('Moscow', 'Saint Petersburg', 'Novosibirsk', 'Yekaterinburg',
                            'Another city', c5={'other': True})},
        {'variable': 'GM', 'type': 'grid', 'text': text('Which of these do you buy, and where?'),
         'settings': {'multiple': True, 'randomize_rows': 'shuffle'},
         'rows': options('Coffee beans', 'Instant coffee', 'Tea'),
         'options': options('Supermarket', 'Online', 'Specialist shop', 'None of these',
                            c4={'exclusive': True})},
        {'variable': 'G7', 'type': 'grid', 'text': text('How much do you agree?'),
         'rows': options('The packaging is attractive and easy to open even with wet hands',
                         'Good value'),
         'options': likert_7},
        {'variable': 'SD7', 'type': 'semantic_differential', 'text': text('The shop is ...'),
         'settings': {'points': 7},
         'rows': [{'code': 1, 'label': {}, 'settings': {
             'label_left': text('unfriendly and unwelcoming'),
             'label_right': text('friendly and welcoming')}}]},
        {'variable': 'L7', 'type': 'likert', 'text': text('Supercalifragilisticexpialidocious '
                                                          'coffee is the best coffee.'),
         'settings': {'points': 7}},
        {'variable': 'RT', 'type': 'ranking', 'text': text('Your top two brands'),
         'settings': {'rank_top': 2}, 'rows': options('Alpha', 'Beta', 'Gamma')},
    ])


#: A complete, valid submission of the every-type page, and the answers it stores.
VALID = [('NAME', 'Ann'), ('WHY', 'Because.'), ('OWN', 'Fresh'), ('SC', 'wake up'),
         ('STORY', 'She left.'), ('MAIL', 'ann@example.com'), ('AGE', '34'),
         ('VISIT', '2024-05-01'), ('WA_s1_a1', 'morning'), ('WA_s2_a1', 'cup'), ('Q1', '4'),
         ('Q1_other', 'Delta'), ('Q5', '1'), ('Q5', '3'), ('OWNCAR', '2'), ('L1', '5'),
         ('IMP', '1'), ('RATE', '10'), ('NPS', '0'), ('SD_1', '1'), ('SD_2', '5'),
         ('G_r1', '1'), ('G_r2', '3'), ('G_r3', '2'), ('RK_1', '2'), ('RK_2', '1'),
         ('RK_3', ''), ('RK_4', ''), ('CS_1', '50'), ('CS_2', '30'), ('CS_3', '20'),
         ('CONSENT', '1'), ('action', 'next')]
STORED = {'NAME': 'Ann', 'WHY': 'Because.', 'OWN': 'Fresh', 'SC': 'wake up', 'STORY': 'She left.',
          'MAIL': 'ann@example.com', 'AGE': 34, 'VISIT': '2024-05-01', 'WA_s1_a1': 'morning',
          'WA_s1_a2': None, 'WA_s2_a1': 'cup', 'WA_s2_a2': None, 'Q1': 4, 'Q1_other': 'Delta',
          'Q5_1': 1, 'Q5_2': 0, 'Q5_3': 1, 'Q5_4': 0, 'Q5_99': 0, 'Q5_other': None,
          'OWNCAR': 2, 'L1': 5, 'IMP': 1, 'RATE': 10, 'NPS': 0, 'SD_1': 1, 'SD_2': 5,
          'G_r1': 1, 'G_r2': 3, 'G_r3': 2, 'RK_1': 2, 'RK_2': 1, 'RK_3': None, 'RK_4': None,
          'CS_1': 50, 'CS_2': 30, 'CS_3': 20, 'CONSENT': 1}


def render(definition, index=0, language='en', *, seed='token-1', answers=None, data=None,
           app=APP, preset=None):
    """``(view, html)`` of one page; ``data`` (pairs or a dict) posts the form."""
    formdata = None if data is None else MultiDict(data)
    with app.test_request_context(method='POST' if data is not None else 'GET'):
        view = respondent_page(definition, index, language, seed=seed, answers=answers,
                               formdata=formdata, preset=preset)
        html = render_respondent_page(view, action='/respond', language_action='/respond')
    return view, html


# --- a small DOM for structural checks (the standard library has no CSS selectors) -----------

VOID = {'input', 'meta', 'link', 'br', 'img', 'hr', 'source'}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return ''.join(child if isinstance(child, str) else child.text()
                       for child in self.children)

    def classes(self):
        return (self.attrs.get('class') or '').split()

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def all(self, tag=None, cls=None, **attrs):
        return [node for node in self.walk() if (tag is None or node.tag == tag)
                and (cls is None or cls in node.classes())
                and all(node.attrs.get(key.rstrip('_')) == value for key, value in attrs.items())]

    def first(self, *args, **kwargs):
        found = self.all(*args, **kwargs)
        assert found, f'nothing matches {args} {kwargs}'
        return found[0]


class Tree(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node('#root', {})
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def dom(html):
    return Tree(html).root


def squash(value):
    return ' '.join(value.split())


def question_of(root, variable):
    """The fieldset or div of a question, found by one of its field ids."""
    for node in root.all(cls='question'):
        if any(element.attrs.get('name', '').split('-')[0] in (variable, )
               or element.attrs.get('name', '').startswith(variable + '_')
               for element in node.all() if element.tag in ('input', 'select', 'textarea')):
            return node
    raise AssertionError(f'no question with fields of {variable}')


# --- the definition itself ----------------------------------------------------------------------

def test_the_test_definitions_are_valid_questionnaires():
    with APP.test_request_context():
        assert check_definition(every_type_definition()) == []
        assert check_definition(paged_definition()) == []
        assert check_definition(variants_definition()) == []
    names = {spec['type'] for spec in every_type_definition()['questions']}
    assert names == {kind.name for kind in all_types()}


# --- markup ---------------------------------------------------------------------------------------

#: type -> snippets of the question's markup (attributes are rendered in alphabetical order).
MARKUP = {
    'short_text': ['<label class="question-label" for="NAME">Your first name?</label>',
                   '<input id="NAME" maxlength="20" name="NAME" type="text" value="">'],
    'long_text': ['for="WHY">Why? <span class="required-mark" aria-hidden="true">*</span>'
                  '<span class="visually-hidden">(required)</span></label>', '<textarea'],
    'own_words': ['<div class="hint" id="OWN-hint">', 'In your own words, please.',
                  '<textarea aria-describedby="OWN-hint" id="OWN"'],
    'sentence_completion': ['<legend class="question-label">Complete the sentence</legend>',
                            '<label class="stem" for="SC">When I drink coffee, I ___</label>'],
    'story_completion': ['<div class="lead" id="STORY-lead"><p>Anna walked into the shop and ...',
                         '<textarea aria-describedby="STORY-lead" id="STORY"'],
    'email': ['type="email"'],
    'numeric': ['inputmode="numeric"', 'name="AGE"', 'type="text"'],
    'date': ['max="2030-12-31" min="2000-01-01" name="VISIT" type="date"'],
    'word_association': ['<legend>coffee</legend>', '<legend>tea</legend>',
                         '<label for="WA_s2_a2">tea: association 2</label>'],
    'single_choice': ['<legend class="question-label">Favourite?</legend>',
                      '<input id="Q1-0" name="Q1" type="radio" value="1">',
                      '<label for="Q1_other">Other, please specify</label>'],
    'multiple_choice': ['type="checkbox" value="99"', '<div class="choice-item exclusive">',
                        '<label for="Q5_other">Other, please specify</label>'],
    'dichotomous': ['name="OWNCAR" type="radio" value="2"><span class="choice-text">No</span>'],
    'likert': ['<span class="choice-text">Strongly agree</span>'],
    'importance': ['<span class="choice-text">Extremely important</span>'],
    'rating': ['<span class="scale-number">10</span><span class="scale-end"> – Excellent</span>',
               '<div class="scale-ends" aria-hidden="true"><span>Poor</span>'],
    'nps': ['How likely is it that you would recommend Anketa to a friend or colleague?',
            'name="NPS" type="radio" value="0"', 'name="NPS" type="radio" value="10"'],
    'semantic_differential': ['<legend class="visually-hidden">cheap – expensive</legend>',
                              '<span class="visually-hidden">1 – cheap</span>',
                              '<span class="visually-hidden">5 – expensive</span>'],
    'grid': ['<legend class="grid-row-label">price</legend>',
             '<div class="grid-head" aria-hidden="true">', 'name="G_r3" type="radio" value="3"'],
    'ranking': ['<select id="RK_1" name="RK_1">', 'aria-describedby="RK-hint"',
                'each rank can be given only once'],
    'constant_sum': ['The amounts must add up to 100.', 'id="CS_3" inputmode="numeric"'],
    'instruction': ['<div class="instruction"><p>Thank you!</p></div>'],
    'consent': ['<legend class="question-label">Do you agree? <span class="required-mark"',
                'name="CONSENT" required type="radio" value="1"'],
    'randomizer': [],
}


def test_every_type_has_expected_markup():
    assert set(MARKUP) | {'section'} == {kind.name for kind in
                                         all_types()}


@pytest.mark.parametrize('name', sorted(MARKUP))
def test_every_type_renders_its_controls(name):
    _view, html = render(every_type_definition())
    for snippet in MARKUP[name]:
        assert snippet in html, f'{name}: {snippet!r} not in the page'


def test_the_page_is_a_standalone_respondent_layout():
    view, html = render(every_type_definition())
    root = dom(html)
    assert '<html lang="en">' in html
    assert root.first('a', cls='skip-link').attrs['href'] == '#respond-main'
    assert root.first('main').attrs['id'] == 'respond-main'
    assert 'css/respond.css' in html and 'app.css' not in html and '<script' not in html
    assert 'http://' not in html and 'https://' not in html  # nothing from CDNs
    assert squash(root.first('h1').text()) == 'Coffee habits'
    assert squash(root.first('span', id='respond-progress-label').text()) == 'Page 1 of 2'
    assert root.first('progress').attrs == {'max': '2', 'value': '1',
                                            'aria-labelledby': 'respond-progress-label'}
    switch = root.first('form', cls='respond-language')
    assert switch.attrs['method'] == 'get' and switch.attrs['action'] == '/respond'
    assert [option.attrs['value'] for option in switch.all('option')] == ['en', 'ru']
    assert 'Русский' in switch.text()
    buttons = root.first('form', cls='respond-form').all('button')
    assert [(b.attrs['name'], b.attrs['value'], squash(b.text())) for b in buttons] == [
        ('action', 'next', 'Next')]  # no Back on the first page
    assert 'novalidate' in root.first('form', cls='respond-form').attrs
    assert view.visible and view.is_first and not view.is_last


def test_every_control_has_a_label_and_every_group_a_legend():
    _view, html = render(every_type_definition())
    root = dom(html)
    ids = [node.attrs['id'] for node in root.walk() if 'id' in node.attrs]
    assert len(ids) == len(set(ids)), 'duplicate ids'
    labelled = {node.attrs.get('for') for node in root.all('label')}
    controls = [node for node in root.walk() if node.tag in ('input', 'select', 'textarea')
                and node.attrs.get('type') != 'hidden']
    assert len(controls) > 60
    for control in controls:
        assert control.attrs['id'] in labelled, control.attrs
    for fieldset in root.all('fieldset'):
        legends = [child for child in fieldset.children
                   if isinstance(child, Node) and child.tag == 'legend']
        assert len(legends) == 1 and squash(legends[0].text()), fieldset.attrs
    for node in root.walk():
        for ref in node.attrs.get('aria-describedby', '').split():
            assert ref in ids, f'aria-describedby points at a missing id {ref}'


def test_last_page_has_back_and_finish():
    _view, html = render(every_type_definition(), 1, answers={'AGE': 40})
    buttons = dom(html).first('form', cls='respond-form').all('button')
    assert [(b.attrs['value'], squash(b.text())) for b in buttons] == [('next', 'Finish'),
                                                                       ('back', 'Back')]
    assert squash(dom(html).first('h1').text()) == 'About you'
    assert '<p class="respond-title">Coffee habits</p>' in html


def test_russian_page_uses_the_questionnaire_language():
    _view, html = render(every_type_definition(), language='ru')
    assert '<html lang="ru">' in html
    assert 'Перейти к содержимому' in html  # interface text in the respondent's language
    assert 'Favourite? (ru)' in html and 'Alpha (ru)' in html
    assert 'Полностью согласен(на)' in html  # default scale labels in Russian
    assert 'Насколько вероятно, что вы порекомендуете Анкету' in html


def test_an_unknown_language_falls_back_to_the_main_language():
    view, html = render(every_type_definition(), language='de')
    assert view.language == 'en' and '<html lang="en">' in html


def test_one_language_means_no_language_switch():
    single = every_type_definition()
    single['languages'] = ['en']
    _view, html = render(single)
    assert 'respond-language' not in html


def test_other_shapes_render_accessibly():
    view, html = render(variants_definition())
    root = dom(html)
    select = root.first('select', id='DROP')
    assert root.first('label', for_='DROP').text().startswith('Which city do you live in?')
    assert select.attrs['aria-describedby'] == 'DROP-hint'
    assert squash(select.first('option').text()) == '— choose —'
    grid = question_of(root, 'GM')
    assert [squash(node.text()) for node in grid.all('legend', cls='grid-row-label')] == [
        'Instant coffee', 'Coffee beans', 'Tea']  # rows shuffled for this seed
    assert {node.attrs['type'] for node in grid.all('input')} == {'checkbox'}
    assert len(grid.all('label', cls='exclusive')) == 3
    assert [squash(node.text()) for node in question_of(root, 'SD7').all('span', cls='pair-end')] \
        == ['unfriendly and unwelcoming', 'friendly and welcoming']
    assert len(root.all('input', name='SD7_1')) == 7
    assert [node.attrs['value'] for node in root.first('select', id='RT_1').all('option')] == [
        '', '1', '2']
    assert squash(root.first('label', for_='DROP_other').text()) == \
        'Another city, please specify'


def test_other_shapes_store_their_answers():
    data = [('DROP', '2'), ('GM_r1', '1'), ('GM_r1', '2'), ('GM_r3', '4'), ('G7_r1', '7'),
            ('SD7_1', '4'), ('L7', '1'), ('RT_3', '1'), ('RT_1', '2')]
    view, _html = render(variants_definition(), data=data)
    assert view.validation.valid, view.validation.errors
    assert view.answers == {
        'DROP': 2, 'DROP_other': None, 'GM_r1_c1': 1, 'GM_r1_c2': 1, 'GM_r1_c3': 0, 'GM_r1_c4': 0,
        'GM_r2_c1': 0, 'GM_r2_c2': 0, 'GM_r2_c3': 0, 'GM_r2_c4': 0, 'GM_r3_c1': 0,
        'GM_r3_c2': 0, 'GM_r3_c3': 0, 'GM_r3_c4': 1, 'G7_r1': 7, 'G7_r2': None, 'SD7_1': 4,
        'L7': 1, 'RT_1': 2, 'RT_2': None, 'RT_3': 1}
    view, html = render(variants_definition(), data=data[1:] + [('GM_r3', '1')])
    assert view.validation.errors == {
        'DROP': ['Please answer this question.'],
        'GM': ['Row "Tea": "None of these" cannot be combined with other answers.']}
    assert dom(html).first('select', id='DROP').attrs['aria-describedby'] == \
        'DROP-hint DROP-error'
    assert 'aria-invalid' not in dom(html).first('input', id='DROP_other').attrs
    view, html = render(variants_definition(), data=[('DROP', '5')] + data[1:])
    assert view.validation.errors == {'DROP': ['Please say what you mean by "Another city".']}
    assert dom(html).first('input', id='DROP_other').attrs['aria-invalid'] == 'true'


# --- submissions ----------------------------------------------------------------------------------

def test_valid_submission_yields_every_answer():
    view, html = render(every_type_definition(), data=VALID)
    assert view.validation.valid, view.validation.errors
    assert view.answers == STORED
    assert view.action == 'next'
    assert 'error-summary' not in html
    shown = [spec for spec in every_type_definition()['questions'][:-2]
             if spec['type'] not in ('randomizer', 'instruction')]
    assert set(view.answers) == {name for spec in shown
                                 for name in type_of(spec).variable_names(spec)}


def test_back_is_reported():
    view, _html = render(every_type_definition(), data=VALID[:-1] + [('action', 'back')])
    assert view.action == 'back'


def test_empty_submission_shows_the_error_summary_and_errors_per_question():
    view, html = render(every_type_definition(), data=[('action', 'next')])
    assert view.answers is None
    assert set(view.validation.errors) == {'WHY', 'AGE', 'WA', 'G', 'CONSENT'}
    root = dom(html)
    summary = root.first('div', cls='error-summary')
    assert summary.attrs['role'] == 'alert' and 'autofocus' in summary.attrs
    links = [(a.attrs['href'], squash(a.text())) for a in summary.all('a')]
    assert links == [
        ('#AGE', 'Your age? Please answer this question.'),
        ('#WHY', 'Why? Please answer this question.'),
        ('#WA_s1_a1', 'What comes to mind? Please write at least one association for: '
                      'coffee, tea.'),
        ('#G_r1-0', 'How satisfied are you with ... Please answer every row; not answered: '
                    'price, quality, service.'),
        ('#CONSENT-0', 'Do you agree? Please answer this question.')]
    ids = {node.attrs['id'] for node in root.walk() if 'id' in node.attrs}
    assert {href[1:] for href, _text in links} <= ids
    assert root.first('title').text().startswith('Error: ')
    # Single inputs: aria-invalid and the error in aria-describedby.
    age = root.first('input', id='AGE')
    assert age.attrs['aria-invalid'] == 'true' and age.attrs['aria-describedby'] == 'AGE-error'
    assert 'Please answer this question.' in root.first('div', id='AGE-error').text()
    # Groups: the fieldset is described by the error; every option is marked invalid.
    consent = question_of(root, 'CONSENT')
    assert consent.tag == 'fieldset' and consent.attrs['aria-describedby'] == 'CONSENT-error'
    assert all(radio.attrs.get('aria-invalid') == 'true' for radio in consent.all('input'))
    grid = question_of(root, 'G')
    assert 'has-error' in grid.classes()
    assert all(radio.attrs.get('aria-invalid') == 'true' for radio in grid.all('input'))
    # Answered questions are not marked.
    assert 'aria-invalid' not in root.first('input', id='NAME').attrs


@pytest.mark.parametrize('changes, variable, target, message', [
    ({'AGE': '121'}, 'AGE', 'AGE', 'Enter a number from 0 to 120.'),
    ({'AGE': 'forty'}, 'AGE', 'AGE', 'Not a valid integer value.'),
    ({'MAIL': 'ann@'}, 'MAIL', 'MAIL', 'Enter a valid e-mail address.'),
    ({'VISIT': '1999-12-31'}, 'VISIT', 'VISIT', 'Enter a date from 2000-01-01 to 2030-12-31.'),
    ({'CS_3': '10'}, 'CS', 'CS_1', 'The amounts add up to 90; they must add up to 100.'),
    ({'CS_2': '101'}, 'CS', 'CS_2', 'Taste: Enter a number from 0 to 100.'),
    ({'RK_3': '1'}, 'RK', 'RK_1', 'Each rank can be given only once; repeated: 1.'),
    ({'Q1_other': ''}, 'Q1', 'Q1-0', 'Please say what you mean by "Other".'),
    ({'SD_2': '9'}, 'SD', 'SD_2-0', 'old – modern: Not a valid choice.'),
])
def test_invalid_answers_are_reported_and_linked(changes, variable, target, message):
    data = [(name, changes.get(name, value)) for name, value in VALID]
    view, html = render(every_type_definition(), data=data)
    assert view.answers is None
    assert list(view.validation.errors) == [variable]
    assert message in view.validation.errors[variable]
    root = dom(html)
    links = root.first('div', cls='error-summary').all('a')
    assert {link.attrs['href'] for link in links} == {f'#{target}'}
    assert any(squash(link.text()).endswith(message) for link in links)
    assert message in squash(root.first('div', id=f'{variable}-error').text())


def test_a_non_number_gets_one_message_not_a_range_error_too():
    data = [(name, 'forty' if name == 'AGE' else value) for name, value in VALID]
    view, _html = render(every_type_definition(), data=data)
    assert view.validation.errors['AGE'] == ['Not a valid integer value.']


def test_exclusive_option_cannot_be_combined():
    data = VALID + [('Q5', '99')]
    view, _html = render(every_type_definition(), data=data)
    assert view.validation.errors == {
        'Q5': ['"None of these" cannot be combined with other answers.']}


def test_posted_values_are_shown_again_with_the_errors():
    data = [(name, value) for name, value in VALID if name != 'WHY']
    _view, html = render(every_type_definition(), data=data)
    root = dom(html)
    assert root.first('input', id='NAME').attrs['value'] == 'Ann'
    assert 'checked' in root.first('input', id='Q5-0').attrs or \
        'checked' in root.first('input', name='Q5', value='1').attrs
    assert 'checked' in root.first('input', name='Q1', value='4').attrs
    assert root.first('input', id='Q1_other').attrs['value'] == 'Delta'


def test_constraint_is_checked_once_with_its_message():
    spec = copy.deepcopy(SPECS['numeric'])
    spec['settings'].update(constraint='. >= ${MIN}',
                            constraint_message=text('Too young for this study.'))
    minimum = {'variable': 'MIN', 'type': 'numeric', 'text': text('Minimum?')}
    questionnaire = definition([minimum, spec])
    view, _html = render(questionnaire, data={'MIN': '18', 'AGE': '16'})
    assert view.validation.errors == {'AGE': ['Too young for this study.']}
    view, _html = render(questionnaire, data={'MIN': '18', 'AGE': '18'})
    assert view.validation.valid and view.answers == {'MIN': 18, 'AGE': 18}


def test_required_if_uses_earlier_answers():
    questionnaire = paged_definition()
    young, _html = render(questionnaire, 2, answers={'AGE': 20}, data={})
    assert young.validation.errors == {'LAST': ['Please answer this question.']}
    older, html = render(questionnaire, 2, answers={'AGE': 40}, data={})
    assert older.validation.valid and older.answers == {'LAST': None}
    _view, html = render(questionnaire, 2, answers={'AGE': 20})
    assert 'required-mark' in html


def test_csrf_token_is_rendered_and_checked():
    app = make_app(WTF_CSRF_ENABLED=True)
    _view, html = render(every_type_definition(), app=app)
    assert re.search(r'<input id="csrf_token" name="csrf_token" type="hidden" value="[^"]+">',
                     html)
    view, html = render(every_type_definition(), app=app, data=VALID)
    assert view.answers is None
    assert view.validation.summary[0] == (None, 'The form expired. Please send it again.')
    assert 'The form expired. Please send it again.' in html


# --- relevance ------------------------------------------------------------------------------------

def test_relevance_hides_questions_and_text_blocks():
    questionnaire = paged_definition()
    page = pages(questionnaire)[1]
    beta = {'AGE': 40, 'Q1': 2, 'Q5_1': 0, 'Q5_2': 1, 'Q5_3': 0, 'Q5_4': 0, 'Q5_99': 0}
    alpha = {**beta, 'Q1': 1, 'Q5_1': 1}
    with APP.test_request_context():
        shown = [spec['variable']
                 for spec in visible_items(page, expression_context(questionnaire, beta))]
        assert shown == ['PIPED', 'WHYBETA']
        shown = [spec['variable']
                 for spec in visible_items(page, expression_context(questionnaire, alpha))]
        assert shown == ['PIPED', 'INFO']
    view, html = render(questionnaire, 1, answers=alpha, data={'PIPED': '2'})
    assert 'WHYBETA' not in html and 'For Alpha users' in html
    assert view.answers == {'PIPED': 2, 'WHYBETA': None}  # the hidden question: system-missing


def test_a_section_condition_hides_the_whole_page():
    questionnaire = paged_definition()
    page = pages(questionnaire)[1]
    with APP.test_request_context():
        minor = expression_context(questionnaire, {'AGE': 16})
        assert not page_is_visible(page, minor)
        assert visible_items(page, minor) == []
        assert skipped_answers(page, []) == {'PIPED': None, 'WHYBETA': None}
        assert page_is_visible(page, expression_context(questionnaire, {'AGE': 18}))
    view, html = render(questionnaire, 1, answers={'AGE': 16})
    assert not view.visible and view.items == [] and 'question' not in dom(html).first(
        'form', cls='respond-form').text()


def test_preset_values_drive_relevance():
    questionnaire = definition([{'variable': 'VIP', 'type': 'short_text', 'text': text('VIP?'),
                                 'settings': {'relevant': '${panel_tier} = 3'}},
                                {'variable': 'ALL', 'type': 'short_text', 'text': text('All')}])
    view, _html = render(questionnaire, preset={'panel_tier': 3})
    assert [item.variable for item in view.items] == ['VIP', 'ALL']
    view, _html = render(questionnaire, preset={'panel_tier': 1})
    assert [item.variable for item in view.items] == ['ALL']


# --- piping ---------------------------------------------------------------------------------------

EARLIER = {'AGE': 34, 'Q1': 2, 'Q1_other': None, 'Q5_1': 1, 'Q5_2': 0, 'Q5_3': 1, 'Q5_4': 0,
           'Q5_99': 0, 'Q5_other': None, 'NAME': '<script>alert(1)</script>'}


def test_piping_shows_labels_of_earlier_answers_and_escapes_them():
    _view, html = render(paged_definition(), 1, answers=EARLIER)
    assert ('You prefer Beta and use Alpha, Gamma, '
            '&lt;script&gt;alert(1)&lt;/script&gt;.') in html
    assert '<script>' not in html
    assert 'You are 34.' in html  # hints are piped too
    assert '<span class="choice-text">More Beta</span>' in html  # and option labels


def test_piping_uses_the_respondent_language():
    _view, html = render(paged_definition(), 1, 'ru', answers={**EARLIER, 'NAME': 'Аня'})
    assert 'Вы предпочитаете Beta (ru), пользуетесь Alpha (ru), Gamma (ru), Аня.' in html
    assert 'More Beta (ru) (ru)' in html


def test_piping_formats_numbers_dates_and_consent():
    from surveys.respond import display_formatter
    questionnaire = every_type_definition()
    with APP.test_request_context():
        show = display_formatter(questionnaire, 'ru')
        values = expression_context(questionnaire, {'AGE': 1990, 'VISIT': '2024-05-01',
                                                    'CONSENT': 1, 'SD_1': 3, 'SD_2': 1})
        assert show('AGE', values['AGE']) == '1990'
        assert squash(show('VISIT', values['VISIT']).replace('\u202f', ' ')) == '1 мая 2024 г.'
        assert show('CONSENT', values['CONSENT']) == 'Да, я согласен(на)'
        assert show('SD_1', values['SD_1']) == '3' and show('SD_2', values['SD_2']) == 'old (ru)'
        assert show('Q5', None) == ''


# --- option order ---------------------------------------------------------------------------------

def option_order(html, name):
    return [node.attrs['value'] for node in dom(html).all('input', name=name)]


def test_option_order_is_stable_per_seed_and_differs_between_respondents():
    questionnaire = every_type_definition()
    orders = {}
    for seed in (f'token-{number}' for number in range(12)):
        first = option_order(render(questionnaire, seed=seed)[1], 'Q5')
        assert option_order(render(questionnaire, seed=seed)[1], 'Q5') == first
        assert first[-2:] == ['4', '99']  # "other" and the exclusive option stay at the end
        orders[seed] = tuple(first)
    assert len(set(orders.values())) > 1


def test_shuffled_rows_keep_their_answers():
    questionnaire = every_type_definition()
    grid = next(spec for spec in questionnaire['questions'] if spec['type'] == 'grid')
    grid['settings']['randomize_rows'] = 'shuffle'
    orders = {tuple(re.findall(r'name="(G_r\d)" type="radio" value="1"',
                               render(questionnaire, seed=f's{n}')[1])) for n in range(10)}
    assert len(orders) > 1
    view, _html = render(questionnaire, seed='s3', data=VALID)
    assert (view.answers['G_r1'], view.answers['G_r2'], view.answers['G_r3']) == (1, 3, 2)


# --- coming back to a page ------------------------------------------------------------------------

def test_stored_answers_fill_the_page_again():
    _view, html = render(every_type_definition(), answers=STORED)
    root = dom(html)
    assert root.first('input', id='NAME').attrs['value'] == 'Ann'
    assert root.first('input', id='VISIT').attrs['value'] == '2024-05-01'
    assert 'checked' in root.first('input', name='Q1', value='4').attrs
    checked = {node.attrs['value'] for node in root.all('input', name='Q5')
               if 'checked' in node.attrs}
    assert checked == {'1', '3'}
    assert 'checked' in root.first('input', name='G_r2', value='3').attrs
    assert 'checked' in root.first('input', name='NPS', value='0').attrs
    assert root.first('input', id='CS_1').attrs['value'] == '50'
    assert 'Because.' in root.first('textarea', id='WHY').text()


# --- the functions one by one ---------------------------------------------------------------------

def test_build_validate_and_read_a_page_step_by_step():
    questionnaire = every_type_definition()
    page = pages(questionnaire)[0]
    with APP.test_request_context(method='POST'):
        values = expression_context(questionnaire, {})
        built = build_page_form(page, 'en', seed='x', values=values, formdata=MultiDict(VALID))
        assert type(built.form).__name__ == 'PageForm'
        assert built.fields['G'] == ['G_r1', 'G_r2', 'G_r3']
        assert built.fields['Q1'] == ['Q1', 'Q1_other']
        assert 'AB' not in built.fields and built.fields['INTRO'] == []
        again = build_page_form(page, 'en', seed='x', values=values)
        assert type(again.form) is not type(built.form)  # a fresh class per call
        result = validate_page(built.form, built.items, 'en', values)
        assert result.valid and result.errors == {} and result.summary == []
        assert answers_from_page(built.form, built.items) == STORED


def test_decimal_numbers_are_text_inputs_for_a_decimal_comma():
    spec = copy.deepcopy(SPECS['numeric'])
    spec['settings'].update(integer=False, decimals=1)
    view, html = render(definition([spec]), data={'AGE': '34,5'})
    assert view.answers == {'AGE': 34.5}
    age = dom(html).first('input', id='AGE')
    assert (age.attrs['type'], age.attrs['inputmode'], age.attrs['value']) == ('text', 'decimal',
                                                                            '34,5')
    assert 'step' not in age.attrs and 'min' not in age.attrs


@pytest.mark.parametrize('variable', ['action', 'csrf_token'])
def test_a_question_named_like_a_form_field_is_refused(variable):
    spec = {'variable': variable, 'type': 'short_text', 'text': text('Clash')}
    with pytest.raises(ValueError, match='cannot have fields named'):
        render(definition([spec]))


def test_page_progress():
    questionnaire = paged_definition()
    assert [page_progress(questionnaire, index) for index in range(3)] == [(1, 3), (2, 3),
                                                                           (3, 3)]
    with pytest.raises(IndexError):
        page_progress(questionnaire, 3)


def test_expression_context_uses_every_question_and_the_preset():
    questionnaire = paged_definition()
    values = expression_context(questionnaire, EARLIER, preset={'panel_tier': 2})
    assert values['Q5'] == [1, 3] and values['Q1'] == 2 and values['panel_tier'] == 2
    assert values['PIPED'] is None
    assert get_type('multiple_choice').expression_values(SPECS['multiple_choice'],
                                                         EARLIER)['Q5'] == [1, 3]
