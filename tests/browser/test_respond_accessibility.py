"""Respondent pages in Chromium: axe-core (WCAG 2 A/AA) at desktop and phone widths, with and
without validation errors, and a journey with JavaScript turned off.

A tiny Flask app serves the pages of the definitions in ``tests/surveys/test_respond_page.py``
(answers kept in the session cookie); it needs no database. Screenshots go to ``tmp_path``.
"""

import flask
import pytest
from playwright.sync_api import expect

from surveys.respond import ACTION_BACK, render_respondent_page, respondent_page
from tests.browser.conftest import TIMEOUT_MS
from tests.live_server import serve
from tests.browser.test_accessibility import axe_violations, describe
from tests.surveys.test_respond_page import (every_type_definition, make_app, paged_definition,
                                             variants_definition)

pytestmark = pytest.mark.browser

DEFINITIONS = {'every': every_type_definition, 'paged': paged_definition,
               'variants': variants_definition}
DESKTOP = {'width': 1280, 'height': 900}
PHONE = {'width': 360, 'height': 740}
#: Controls respondents tap (WCAG 2.5.5 asks 44 × 44 CSS pixels).
TARGETS = ('label.choice, label.scale-point, label.pair-point, .respond-actions button, '
           '.question select, .question input[type=text], .question input[type=email], '
           '.question input[type=date], .question textarea')


def respond_app():
    app = make_app(WTF_CSRF_ENABLED=True)

    @app.route('/respond/<name>/<int:index>', methods=['GET', 'POST'])
    def respond(name, index):
        definition = DEFINITIONS[name]()
        answers = flask.session.get('answers', {})
        language = flask.request.args.get('lang', 'en')
        posted = flask.request.form if flask.request.method == 'POST' else None
        view = respondent_page(definition, index, language, seed='browser', answers=answers,
                               formdata=posted)
        if posted is not None and view.action == ACTION_BACK:
            return flask.redirect(flask.url_for('respond', name=name, index=max(index - 1, 0),
                                                lang=view.language))
        if view.answers is not None:
            flask.session['answers'] = {**answers, **view.answers}
            if view.is_last:
                return 'Thank you'
            return flask.redirect(flask.url_for('respond', name=name, index=index + 1,
                                                lang=view.language))
        return render_respondent_page(
            view, action=flask.request.full_path.rstrip('?'),
            language_action=flask.url_for('respond', name=name, index=index))

    return app


@pytest.fixture(scope='module')
def respond_server():
    with serve(respond_app(), 'respond-server') as url:
        yield url


@pytest.fixture
def open_page(browser, respond_server):
    """Factory: a page in a fresh context (``viewport``, ``java_script_enabled``...)."""
    contexts = []

    def make(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, locale='en-US', base_url=respond_server,
                                      **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def assert_no_axe_violations(page, what):
    violations = axe_violations(page)
    assert not violations, f'axe-core on {what}:\n{describe(violations)}'


def assert_fits(page, what):
    """No horizontal scrolling, and every tap target is at least 44 × 44 px."""
    sizes = page.evaluate("""() => ({
        scroll: document.documentElement.scrollWidth, width: window.innerWidth})""")
    assert sizes['scroll'] <= sizes['width'], f'{what} scrolls sideways: {sizes}'
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.question *')]
        .filter(e => !e.matches('input, select, textarea, option'))
        .filter(e => e.getBoundingClientRect().width > 1)  // not the visually hidden texts
        .filter(e => e.scrollWidth > e.clientWidth + 1)
        .map(e => e.id || e.htmlFor || e.className)""")
    assert not overflowing, f'content sticks out of its question on {what}: {overflowing}'
    small = page.evaluate("""selector => [...document.querySelectorAll(selector)]
        .map(e => [e.id || e.htmlFor || e.className, e.getBoundingClientRect()])
        .filter(([, r]) => r.width > 0 && (r.width < 44 || r.height < 44))
        .map(([name, r]) => `${name} ${Math.round(r.width)}x${Math.round(r.height)}`)""",
                          TARGETS)
    assert not small, f'tap targets below 44 px on {what}: {small}'


def submit_empty(page):
    page.locator('button[name=action][value=next]').click()  # Next, or Finish on a last page
    expect(page.get_by_role('alert')).to_be_visible()


@pytest.mark.parametrize('viewport', [DESKTOP, PHONE], ids=['1280px', '360px'])
@pytest.mark.parametrize('errors', [False, True], ids=['blank', 'with-errors'])
@pytest.mark.parametrize('name', ['every', 'variants'])
def test_question_pages_have_no_axe_violations(open_page, name, viewport, errors, tmp_path):
    """``every``: a question of every type; ``variants``: dropdown, checkbox grid, 7 points."""
    page = open_page(viewport)
    page.goto(f'/respond/{name}/0')
    if errors:
        submit_empty(page)
    what = f"the {name} page{' with errors' if errors else ''} at {viewport['width']} px"
    shot = tmp_path / f"{name}-{viewport['width']}{'-errors' if errors else ''}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert_no_axe_violations(page, what)
    assert_fits(page, what)


def test_russian_pages_have_no_axe_violations(open_page, tmp_path):
    page = open_page(PHONE)
    page.goto('/respond/paged/0?lang=ru')
    expect(page.locator('html')).to_have_attribute('lang', 'ru')
    assert_no_axe_violations(page, 'the first page in Russian')
    page.locator('#AGE').fill('34')
    page.locator('#Q1-1').check()
    page.locator('#Q5-0').check()
    page.get_by_role('button', name="Далее").click()
    expect(page.get_by_role('heading', level=1)).to_have_text('About you (ru)')
    expect(page.locator('html')).to_have_attribute('lang', 'ru')
    page.screenshot(path=str(tmp_path / 'paged-page2-ru-360.png'), full_page=True)
    assert_no_axe_violations(page, 'the second page in Russian')
    assert_fits(page, 'the second page in Russian')


def test_without_javascript_errors_show_and_the_journey_goes_on(open_page, tmp_path):
    page = open_page(PHONE, java_script_enabled=False)
    page.goto('/respond/paged/0')
    page.get_by_role('button', name='Next').click()
    summary = page.get_by_role('alert')
    expect(summary).to_contain_text('Your age? Please answer this question.')
    expect(page.get_by_label('Your age?')).to_have_attribute('aria-invalid', 'true')
    page.screenshot(path=str(tmp_path / 'paged-errors-nojs-360.png'), full_page=True)
    summary.get_by_role('link', name='Your age? Please answer this question.').click()
    assert page.url.endswith('#AGE')

    page.get_by_label('Your age?').fill('34')
    page.get_by_role('group', name='Favourite?').get_by_label('Beta').check()
    brands = page.get_by_role('group', name='Which brands?')
    brands.get_by_label('Alpha').check()
    brands.get_by_label('Gamma').check()
    page.get_by_label('Your first name?').fill('<b>Ann</b>')
    page.get_by_role('button', name='Next').click()

    expect(page.get_by_role('heading', level=1)).to_have_text('About you')
    expect(page.get_by_text('Page 2 of 3')).to_be_visible()
    legend = page.get_by_role('group', name='You prefer Beta and use Alpha, Gamma, <b>Ann</b>.')
    expect(legend).to_be_visible()  # piped labels, shown as text (escaped), not markup
    expect(page.get_by_label('Why Beta?')).to_be_visible()  # relevant for Beta
    expect(page.get_by_text('For Alpha users')).to_be_visible()
    page.screenshot(path=str(tmp_path / 'paged-page2-nojs-360.png'), full_page=True)

    page.get_by_role('button', name='Back').click()
    expect(page.get_by_label('Your age?')).to_have_value('34')  # stored answers shown again
    expect(page.get_by_role('group', name='Favourite?').get_by_label('Beta')).to_be_checked()


def test_focus_is_visible_on_options(open_page):
    page = open_page(DESKTOP)
    page.goto('/respond/every/0')
    page.locator('#Q1-0').focus()
    page.keyboard.press('ArrowDown')  # keyboard focus: :focus-visible applies
    styles = page.evaluate("""() => {
        const input = document.activeElement, label = input.closest('label');
        return {id: input.id, outline: getComputedStyle(input).outlineStyle,
                ring: getComputedStyle(label).boxShadow};
    }""")
    assert styles['id'] == 'Q1-1'
    assert styles['outline'] != 'none' and styles['ring'] != 'none', styles

