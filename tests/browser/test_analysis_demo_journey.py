"""The analysis issue's "done when", tried in a real browser as a new user would, on the demo data.

The demo researcher opens the demo study's closed wave ("fieldwork closed", 640 complete
interviews from ``research.demo_responses``), reads the topline's NPS, builds a rim weight on
CITY and GENDER, runs a weighted banner table under each of the three test presets and saves
it; then new interviews arrive and the saved table and the weight follow the data. The
figures the pages show are checked against pandas computations on the answers as stored (and
the weight against a raking of our own), so the chain database → dataset → analysis library →
template is tested end to end. axe-core runs on the topline, table and weighting pages, and the
table builder is tried without JavaScript.

Full-page screenshots go to /tmp/analysis_topline.png and /tmp/analysis_banner.png.
"""
import re

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from research.extensions import db
from tests.browser.test_accessibility import assert_axe_clean

pytestmark = pytest.mark.browser

ROWS = ["FREQ", "AWARE", "NPS", "INTENT"]
BANNER = ["CITY", "GENDER", "PRICE_TEST"]
WEIGHT = "weight_pop"
#: Rim targets, % per category, by the category labels the targets page shows.
TARGETS = {"CITY": {1: ("Москва", 55), 2: ("Казань", 40), 3: ("Другой город", 5)},
           "GENDER": {1: ("Мужской", 46), 2: ("Женский", 54)}}
#: Preset option value -> what the table notes call it (analysis.column_tests.PRESETS).
PRESETS = {"spss": "IBM SPSS Custom Tables",
           "dimensions": "IBM SPSS Data Collection (Dimensions)",
           "q": "Q-style: unpooled z, Welch t, Benjamini-Hochberg FDR"}
SAVED_NAME = "Weighted banner"
NEW_RESPONSES = 60


# --- what the database holds, computed independently ---------------------------------------------

def answers_frame(live_app, survey_id):
    """The analysable answers as stored: complete, valid responses, one row each."""
    from surveys.models import Response

    with live_app.app_context():
        rows = db.session.scalars(select(Response).where(
            Response.survey_id == survey_id, Response.status == "complete",
            Response.is_invalid.is_(False)).order_by(Response.id)).all()
        frame = pd.DataFrame([r.answers for r in rows], index=[r.id for r in rows])
        db.session.remove()
    return frame


def nps_figures(scores):
    """NPS, its standard error and n from 0–10 answers (unweighted)."""
    scores = scores.dropna()
    promoters, detractors = (scores >= 9).mean(), (scores <= 6).mean()
    net = promoters - detractors
    se = np.sqrt((promoters + detractors - net ** 2) / len(scores))
    return 100 * net, 100 * se, len(scores)


def rake(frame, targets, tolerance=1e-7):
    """Rim weights (mean 1) raked to ``{variable: {code: percent}}`` by plain IPF."""
    weights = pd.Series(1.0, index=frame.index)
    for _sweep in range(1000):
        for variable, shares in targets.items():
            for code, percent in shares.items():
                members = frame[variable] == code
                weights[members] *= (percent / 100) * weights.sum() / weights[members].sum()
        worst = max(abs(weights[frame[variable] == code].sum() / weights.sum() - percent / 100)
                    for variable, shares in targets.items() for code, percent in shares.items())
        if worst < tolerance:
            return weights * len(weights) / weights.sum()
    raise AssertionError("our own raking did not converge")


def target_percents():
    return {variable: {code: percent for code, (_label, percent) in categories.items()}
            for variable, categories in TARGETS.items()}


def shows(text, value, digits=1):
    """The page's rounded ``text`` is ``value`` rounded the same way."""
    return abs(float(text) - value) <= 0.5 * 10 ** -digits + 1e-9


# --- reading pages -------------------------------------------------------------------------------

def heading(page):
    return page.get_by_role("heading", level=1)


def figure(where, term):
    """The value of a term of a ``dl.figures`` list."""
    return where.locator("dl.figures dt", has_text=re.compile(rf"^{re.escape(term)}$")).locator(
        "xpath=following-sibling::dd[1]")


def banner_table(page, name):
    return page.locator(f"table.banner[data-table='{name}']")


def base_row(table, name):
    """The cells of a base row in a banner table's foot (Total first)."""
    return table.locator("tfoot tr").filter(
        has=table.page.get_by_role("rowheader", name=name, exact=True)).get_by_role("cell")


def column_index(table, key):
    """The position of the column ``key`` among the data columns of ``table``."""
    keys = table.locator("thead th[scope=col]").evaluate_all(
        "cells => cells.map(cell => cell.dataset.column)")
    return keys.index(key)


def number(text):
    return float(text.replace("*", "").strip())


def load_images(page):
    """Bring every (lazy) chart into view and wait until all have loaded; returns them."""
    images = page.locator("img.chart")
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    page.evaluate("window.scrollTo(0, 0)")
    return images


def choose_table(page, preset):
    """Fill the banner-table builder as a user would (multi-selects, weight, preset)."""
    builder = page.get_by_role("form", name="Table definition")
    builder.get_by_label("Rows", exact=True).select_option(ROWS)
    builder.get_by_label("Banner (columns)").select_option(BANNER)
    builder.get_by_label("Weight", exact=True).select_option(WEIGHT)
    builder.get_by_label("Significance tests").select_option(preset)
    return builder


def check_tables(page, preset, total):
    """What every run of the weighted table shows; returns the number of significance letters."""
    result = page.get_by_role("region", name="Tables")
    expect(result.locator("table.banner")).to_have_count(len(ROWS))
    notes = result.locator("ul.table-notes")
    expect(notes).to_contain_text(f"Column tests: {PRESETS[preset]}.")
    expect(notes).to_contain_text(f"Weighted by {WEIGHT}")
    for name in ROWS:
        table = banner_table(page, name)
        expect(table.locator("caption")).to_contain_text(name)
        # Total, then the columns of CITY (3), GENDER (2) and PRICE_TEST (2), lettered A–G.
        expect(table.locator("thead th[scope=col] .letter")).to_have_text(
            [f"({letter})" for letter in "ABCDEFG"])
        # (A multi-select sends the banner in the questionnaire's order, not the order chosen.)
        groups = table.locator("thead th[scope=colgroup]").all_inner_texts()
        assert sorted(groups) == sorted(["", *BANNER]), groups
        expect(table.get_by_role("rowheader", name="Weighted base", exact=True)).to_be_visible()
        expect(table.get_by_role("rowheader", name="Unweighted base", exact=True)).to_be_visible()
    frequency = banner_table(page, "FREQ")  # asked of everyone: Total bases are the sample
    assert number(base_row(frequency, "Unweighted base").first.inner_text()) == total
    assert shows(base_row(frequency, "Weighted base").first.inner_text(), total)
    found = result.locator("td .letters")
    for text in found.all_inner_texts():
        assert re.fullmatch(r"[A-Za-z]+", text), text
    return found.count()


def cell(table, row, column):
    """The data cell of ``table`` at row key ``row`` and column key ``column``."""
    return table.locator(f"tbody tr[data-row='{row}'] td").nth(column_index(table, column))


def check_figures(page, frame, weights):
    """Key figures of the weighted table against pandas with our own weights ``weights``.

    The demo's built-in differences carry letters under every preset: the cheaper offer sells
    better (INTENT top box by PRICE_TEST), Kazan likes Bodroe Utro more than Moscow (NPS).
    """
    intent = banner_table(page, "INTENT")
    cheap = frame["PRICE_TEST"] == 1
    answered = cheap & frame["INTENT"].notna()
    share = weights[answered & (frame["INTENT"] == 5)].sum() / weights[answered].sum()
    top = cell(intent, "5", "PRICE_TEST:1")
    assert shows(top.locator(".pct").inner_text(), 100 * share)
    letter = intent.locator("thead th[data-column='PRICE_TEST:2'] .letter").inner_text()
    expect(top.locator(".letters")).to_have_text(letter.strip("()"))

    nps = banner_table(page, "NPS")
    scores = frame["NPS"]
    rated = scores.notna()
    w = weights[rated]
    promoters = w[scores[rated] >= 9].sum() / w.sum()
    detractors = w[scores[rated] <= 6].sum() / w.sum()
    effective = w.sum() ** 2 / (w ** 2).sum()
    total = nps.locator("tbody tr[data-row='nps'] td").first.inner_text()
    score, se = re.fullmatch(r"(-?[\d.]+)\s*±\s*([\d.]+)", total.strip()).groups()
    assert shows(score, 100 * (promoters - detractors))
    net = promoters - detractors
    assert shows(se, 100 * np.sqrt((promoters + detractors - net ** 2) / effective))
    assert number(base_row(nps, "Unweighted base").first.inner_text()) == rated.sum()
    moscow = nps.locator("thead th[data-column='CITY:1'] .letter").inner_text().strip("()")
    expect(nps.locator("tbody tr[data-row='nps'] td").nth(column_index(nps, "CITY:2"))
           .locator(".letters")).to_have_text(moscow)


# --- fixtures ------------------------------------------------------------------------------------

@pytest.fixture
def demo(live_app, base_url, tmp_path, monkeypatch):
    """The demo researcher and study as ``make run`` creates them; the closed wave's ids."""
    from research.demo import DEMO_CLOSED_SURVEY_TITLE, load_demo

    monkeypatch.setitem(live_app.config, "ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    with live_app.app_context():
        user, study = load_demo()
        db.session.commit()
        closed = next(s for s in study.surveys if s.title == DEMO_CLOSED_SURVEY_TITLE)
        made = {"email": user.email, "password": live_app.config["DEMO_PASSWORD"],
                "study": study.id, "study_title": study.title, "survey": closed.id,
                "survey_title": closed.title}
        db.session.remove()
    return made


@pytest.fixture
def new_interviews(live_app):
    """``new_interviews(survey_id, count)``: completes arrive (demo answers, another seed)."""
    from research.demo_responses import add_demo_responses
    from surveys.models import Survey

    def add(survey_id, count):
        with live_app.app_context():
            add_demo_responses(db.session.get(Survey, survey_id), count=count, seed=4711)
            db.session.commit()
            db.session.remove()
    return add


def open_analysis(page, log_in, demo):
    log_in(page, demo["email"], demo["password"])
    page.get_by_role("link", name=demo["study_title"]).first.click()
    page.get_by_role("link", name=demo["survey_title"], exact=True).click()
    expect(heading(page)).to_have_text(demo["survey_title"])
    page.get_by_role("link", name="Analysis", exact=True).click()
    expect(heading(page)).to_have_text("Topline report")


# --- the journey ---------------------------------------------------------------------------------

def test_analysing_the_closed_demo_wave(new_page, log_in, demo, live_app, new_interviews):
    frame = answers_frame(live_app, demo["survey"])
    total = len(frame)
    assert total == 640

    # 1. The topline, reached from the study page, shows the NPS with its standard error.
    page = new_page()
    open_analysis(page, log_in, demo)
    tabs = page.get_by_role("navigation", name="Analysis")
    expect(tabs.get_by_role("link", name="Topline")).to_have_attribute("aria-current", "page")
    expect(page.locator("#base-note")).to_have_text(
        f"Base: {total} complete, valid responses")
    nps = page.get_by_role("region", name=re.compile(r"^NPS "))
    score, se, answered = nps_figures(frame["NPS"])
    shown_score = figure(nps, "Net Promoter Score").inner_text()
    assert shows(shown_score, score), (shown_score, score)
    assert shows(figure(nps, "Standard error").inner_text(), se, 2)
    expect(figure(nps, "Base")).to_have_text(str(answered))
    scores = frame["NPS"].dropna()
    split = figure(nps, "Promoters / passives / detractors, %").inner_text().split(" / ")
    assert shows(split[0], 100 * (scores >= 9).mean())
    assert shows(split[2], 100 * (scores <= 6).mean())
    low, high = figure(nps, "95% confidence interval").inner_text().split(" … ")
    assert float(low) < float(shown_score) < float(high)
    images = load_images(page)
    assert images.count() > 5
    broken = images.evaluate_all("images => images.filter(i => !i.naturalWidth).length")
    assert broken == 0
    page.screenshot(path="/tmp/analysis_topline.png", full_page=True)
    assert_axe_clean(page, "topline", {})

    # 2. Weighting: a rim weight on CITY and GENDER to the population.
    tabs.get_by_role("link", name="Weighting").click()
    expect(heading(page)).to_have_text("Weighting")
    expect(page.get_by_text("No weights yet: tables are unweighted.")).to_be_visible()
    assert_axe_clean(page, "weighting page", {})
    new = page.get_by_role("form", name="New weight")
    new.get_by_label("Weight variable name").fill(WEIGHT)
    new.get_by_label("Method").select_option("rim")
    new.get_by_label("Weighting variables").select_option(["CITY", "GENDER"])
    new.get_by_role("button", name="Next: targets").click()
    expect(heading(page)).to_have_text("New weight")
    expect(page.get_by_label("Weight variable name")).to_have_value(WEIGHT)
    for variable, categories in TARGETS.items():
        group = page.get_by_role("group", name=re.compile(rf"^{variable} — "))
        for code, (label, percent) in categories.items():
            sample = group.get_by_role("row").filter(
                has=page.get_by_role("rowheader", name=label, exact=True)).get_by_role("cell")
            assert shows(sample.first.inner_text(), 100 * (frame[variable] == code).mean())
            group.get_by_label(label, exact=True).fill(str(percent))
    assert_axe_clean(page, "weight targets page", {})
    page.get_by_role("button", name="Save and compute").click()
    expect(heading(page)).to_have_text(f"Weight {WEIGHT}")
    expect(page.get_by_role("status")).to_contain_text(f"Weight {WEIGHT} computed.")
    report = page.get_by_role("region", name="Report of the latest run")
    expect(figure(report, "Converged")).to_have_text("yes")
    expect(figure(report, "Respondents")).to_have_text(str(total))
    ours = rake(frame, target_percents())
    efficiency = 100 * ours.sum() ** 2 / (len(ours) * (ours ** 2).sum())
    assert shows(figure(report, "Weighting efficiency").inner_text().rstrip(" %"), efficiency)
    assert shows(figure(report, "Effective base").inner_text(), efficiency * total / 100)
    smallest, largest = figure(report, "Smallest / largest weight").inner_text().split(" / ")
    assert shows(smallest, ours.min(), 3) and shows(largest, ours.max(), 3)
    margins = page.get_by_role("table", name="Achieved against target, per category")
    expect(margins.locator("tbody tr")).to_have_count(5)
    for variable, categories in TARGETS.items():
        for code, (label, percent) in categories.items():
            cells = margins.get_by_role("row").filter(
                has=page.get_by_role("rowheader", name=label, exact=True)).get_by_role("cell")
            variable_, respondents, sample, target, achieved, _difference = \
                cells.all_inner_texts()
            assert variable_ == variable
            assert int(respondents) == (frame[variable] == code).sum()
            assert shows(sample, 100 * (frame[variable] == code).mean(), 2)
            assert float(target) == percent and shows(achieved, percent, 2)
    assert_axe_clean(page, "weight report", {})

    # 3. Banner tables: the same weighted table under each preset, then saved.
    tabs.get_by_role("link", name="Banner tables").click()
    expect(heading(page)).to_have_text("Banner tables")
    found = {}
    for preset in PRESETS:
        choose_table(page, preset).get_by_role("button", name="Run").click()
        expect(page.get_by_role("heading", name="Tables", exact=True)).to_be_visible()
        expect(page.get_by_label("Significance tests")).to_have_value(preset)  # kept in the URL
        found[preset] = check_tables(page, preset, total)
        check_figures(page, frame, ours)
        if preset == "spss":
            assert_axe_clean(page, "banner tables with results", {})
    assert all(found.values()), found

    page.get_by_role("form", name="Save this table").get_by_label("Name").fill(SAVED_NAME)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(heading(page)).to_have_text(SAVED_NAME)
    expect(page.get_by_role("status")).to_contain_text(f"Table “{SAVED_NAME}” saved.")
    check_tables(page, "q", total)
    page.screenshot(path="/tmp/analysis_banner.png", full_page=True)

    # 4. New interviews arrive; the saved table and the weight follow the data.
    new_interviews(demo["survey"], NEW_RESPONSES)
    grown = answers_frame(live_app, demo["survey"])
    assert len(grown) == total + NEW_RESPONSES
    tabs.get_by_role("link", name="Banner tables").click()
    page.get_by_role("region", name="Saved tables").get_by_role(
        "link", name=SAVED_NAME, exact=True).click()
    expect(heading(page)).to_have_text(SAVED_NAME)
    check_tables(page, "q", total + NEW_RESPONSES)  # Total unweighted base: 640 + 60
    refitted = rake(grown, target_percents())
    check_figures(page, grown, refitted)  # weighted by the weight fitted on all 700
    frequency = banner_table(page, "FREQ")
    for code, (_label, percent) in TARGETS["CITY"].items():  # the new sample meets the targets
        weighted = base_row(frequency, "Weighted base").nth(
            column_index(frequency, f"CITY:{code}")).inner_text()
        assert shows(weighted, percent / 100 * len(grown))
    tabs.get_by_role("link", name="Weighting").click()
    page.get_by_role("link", name=WEIGHT, exact=True).click()
    report = page.get_by_role("region", name="Report of the latest run")
    page.get_by_role("button", name="Run again on current data").click()
    expect(page.get_by_role("status")).to_contain_text(f"Weight {WEIGHT} computed.")
    expect(figure(report, "Respondents")).to_have_text(str(len(grown)))
    expect(figure(report, "Converged")).to_have_text("yes")
    efficiency = 100 * refitted.sum() ** 2 / (len(refitted) * (refitted ** 2).sum())
    assert shows(figure(report, "Weighting efficiency").inner_text().rstrip(" %"), efficiency)


def test_the_table_builder_works_without_javascript(new_page, log_in, demo):
    page = new_page(java_script_enabled=False)
    open_analysis(page, log_in, demo)
    # Without JavaScript the charts load at once (no lazy loading): let them finish, so no
    # request is still running on the server when the test ends.
    page.wait_for_load_state("load")
    page.get_by_role("navigation", name="Analysis").get_by_role(
        "link", name="Banner tables").click()
    builder = page.get_by_role("form", name="Table definition")
    builder.get_by_label("Rows", exact=True).select_option(["INTENT"])
    builder.get_by_label("Banner (columns)").select_option(["PRICE_TEST"])
    builder.get_by_role("button", name="Run").click()
    expect(page.get_by_role("heading", name="Tables", exact=True)).to_be_visible()
    assert "rows=INTENT" in page.url and "banner=PRICE_TEST" in page.url  # a GET form
    table = banner_table(page, "INTENT")
    expect(table.locator("thead th[scope=col]")).to_have_count(3)  # Total, 249 ₽, 299 ₽
    expect(page.locator("ul.table-notes")).to_contain_text("Unweighted.")
    assert number(base_row(table, "Unweighted base").first.inner_text()) == 640
