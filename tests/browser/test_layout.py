"""Phone layout: no sideways scrolling at 360 px, the narrowest common phone width.

Screenshots go to the test's tmp_path, for a person to look at.
"""
import pytest

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}

#: Elements that stick out past the screen's right edge and are not clipped by a
#: scrolling box (absolutely positioned ones escape a box that is not positioned).
STICKING_OUT = """client => [...document.querySelectorAll('body *')].filter(element => {
    if (element.getBoundingClientRect().right <= client) return false;
    if (['absolute', 'fixed'].includes(getComputedStyle(element).position)) return true;
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== 'visible') return false;
    }
    return true;
}).slice(0, 5).map(element => element.outerHTML.slice(0, 120))"""


def assert_no_horizontal_scroll(page):
    widths = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth,
                                      client: document.documentElement.clientWidth})""")
    if widths["scroll"] > widths["client"]:
        culprits = page.evaluate(STICKING_OUT, widths["client"])
        pytest.fail(f"{page.url} is {widths['scroll']} px wide on a {widths['client']} px "
                    f"screen; sticking out: {culprits}", pytrace=False)


def test_login_page_fits_a_phone(new_page, tmp_path):
    page = new_page(**PHONE)
    page.goto("/account/login")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=tmp_path / "login-360.png", full_page=True)


def test_study_page_fits_a_phone(new_page, make_account, make_full_study, log_in, tmp_path):
    email = make_account()
    ids = make_full_study(email, stage="fieldwork")
    page = new_page(**PHONE)
    log_in(page, email)
    page.goto(f"/studies/{ids['study']}")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=tmp_path / "study-360.png", full_page=True)


def test_team_page_fits_a_phone(new_page, make_account, make_full_study, log_in, tmp_path):
    email = make_account()
    ids = make_full_study(email)
    page = new_page(**PHONE)
    log_in(page, email)
    page.goto(f"/studies/{ids['study']}/team")
    page.screenshot(path=tmp_path / "team-360.png", full_page=True)
    assert_no_horizontal_scroll(page)
