"""axe-core (WCAG 2.x A and AA rules) on the main pages, in the real browser.

axe.min.js comes from the pinned ``axe-playwright-python`` package: nothing is
fetched at test time.
"""
from importlib.resources import files

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE_SCRIPT = str(files("axe_playwright_python") / "axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page):
    """Run axe-core on the page as it is now; returns its list of violations."""
    page.add_script_tag(path=AXE_SCRIPT)
    results = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                       resultTypes: ['violations']})""", WCAG_TAGS)
    return results["violations"]


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} "
                     f"[{violation['helpUrl'].split('?')[0]}]")
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}"
                         f"\n      {summary}")
    return "\n".join(lines)


def _study_form_with_errors(page, ids):
    page.goto("/studies/new")
    page.get_by_label("Sample size").fill("0")
    page.get_by_role("button", name="Create study").click()
    expect(page.get_by_role("alert")).to_be_visible()


def _not_found(page, ids):
    response = page.goto("/studies/999999")
    assert response.status == 404


#: name -> (stage of the logged-in owner's full study, or None for no login;
#:          the page's path, or a function that gets there)
PAGES = {
    "login": (None, "/account/login"),
    "register": (None, "/account/register"),
    "dashboard": ("objectives", "/dashboard"),
    "new study form": ("objectives", "/studies/new"),
    "new study form with errors": ("objectives", _study_form_with_errors),
    "study page": ("objectives", "/studies/{study}"),
    "study page in fieldwork": ("fieldwork", "/studies/{study}"),
    "team page": ("objectives", "/studies/{study}/team"),
    "survey form": ("objectives", "/studies/{study}/surveys/new"),
    "404 page": ("objectives", _not_found),
}


class KnownViolation(AssertionError):
    """Only violations listed in KNOWN_VIOLATIONS were found (an open bug)."""


#: Open bugs: page -> {axe rule: CSS selector every failing element matches}, reason.
#: Anything else on these pages still fails the test outright.
KNOWN_VIOLATIONS = {}


def only_known(page, violations, known):
    """True if every failing element is one the known selectors describe."""
    for violation in violations:
        selector = known.get(violation["id"])
        if selector is None:
            return False
        for node in violation["nodes"]:
            if not page.evaluate("([target, selector]) => document.querySelector(target)"
                                 "?.matches(selector) ?? false",
                                 [node["target"][0], selector]):
                return False
    return True


def assert_axe_clean(page, name, known_violations):
    """Run axe-core; fail with a readable report, or raise KnownViolation for a listed bug."""
    violations = axe_violations(page)
    if not violations:
        return
    report = describe(violations)
    print(f"axe-core violations on the {name} ({page.url}):\n{report}")
    known = known_violations.get(name, ({}, ""))[0]
    if known and only_known(page, violations, known):
        raise KnownViolation(f"known violations on the {name}:\n{report}")
    pytest.fail(f"{len(violations)} axe-core rule(s) violated on the {name}:\n{report}",
                pytrace=False)


def _case(name):
    if name in KNOWN_VIOLATIONS:
        reason = KNOWN_VIOLATIONS[name][1]
        return pytest.param(name, marks=pytest.mark.xfail(raises=KnownViolation, strict=True,
                                                          reason=reason))
    return name


@pytest.mark.parametrize("name", [_case(name) for name in PAGES])
def test_page_has_no_axe_violations(name, page, make_account, make_full_study, log_in):
    stage, target = PAGES[name]
    ids = {}
    if stage is not None:
        email = make_account()
        ids = make_full_study(email, stage=stage)
        log_in(page, email)
    if callable(target):
        target(page, ids)
    else:
        page.goto(target.format(**ids))
    assert_axe_clean(page, name, KNOWN_VIOLATIONS)
