"""A new user's first study, start to finish, in a browser without JavaScript.

Everything is a server-rendered form, so this is also what a respondent's
cheap phone or a locked-down office browser sees. Controls are found by their
labels and roles: if one cannot be, that is an accessibility bug.
"""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OWNER = {"email": "olga@example.org", "name": "Olga Owner", "password": "a long owner passphrase"}
VIEWER = {"email": "viktor@example.org", "name": "Viktor Viewer",
          "password": "a long viewer passphrase"}


def register(page, email, name, password):
    """Fill the registration form (the e-mail may be pre-filled by an invitation)."""
    email_box = page.get_by_label("E-mail")
    if email_box.input_value() != email:
        email_box.fill(email)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Register").click()


def expect_current_stage(page, stage):
    stage_bar = page.get_by_role("list", name="Research stages")
    expect(stage_bar.locator("[aria-current=step]")).to_have_count(1)
    expect(stage_bar.locator("[aria-current=step]")).to_contain_text(stage)


def move_to_next_stage(page, stage):
    page.get_by_role("button", name="Move to the next stage").click()
    expect(page.get_by_role("status")).to_contain_text("The study moved to the next stage.")
    expect_current_stage(page, stage)


def fill_plan(page):
    """The research plan through the edit form: every kind of control once."""
    page.get_by_label("Client").fill("Northwind Dairy")
    page.get_by_label("Problem statement").fill("Should the brand launch a lactose-free line?")
    page.get_by_label("Research objectives").fill("Measure awareness\nEstimate purchase intent")
    page.get_by_label("Hypotheses").fill("Awareness is below 30% outside Moscow")
    page.get_by_label("Research type").select_option(label="Descriptive")
    page.get_by_label("Data source").select_option(label="Field (primary data)")
    page.get_by_label("Kind of data").select_option(label="Quantitative")
    methods = page.get_by_role("group", name="Methods")
    methods.get_by_label("Survey").check()
    methods.get_by_label("Focus group").check()
    page.get_by_label("Target audience").fill("Adults 18–65 who buy dairy weekly")
    page.get_by_label("Sample size").fill("1200")
    page.get_by_label("Sampling method").select_option(label="Quota (non-probability)")
    page.get_by_label("Quotas (intent)").fill("Gender × age band as in the census")
    page.get_by_label("Start date").fill("2025-03-01")
    page.get_by_label("End date").fill("2025-04-15")
    page.get_by_label("Budget", exact=True).fill("1500000")
    page.get_by_label("Currency").select_option("RUB")
    page.get_by_role("button", name="Save study").click()


def test_new_user_plans_a_study_and_shares_it_with_a_viewer(new_page):
    page = new_page(java_script_enabled=False)

    # A brand-new user registers and, being the first, administers the site.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/account/login"))
    page.get_by_role("link", name="Register").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your researcher account")
    register(page, **OWNER)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("status")).to_contain_text(f"Welcome to Anketa, {OWNER['name']}.")
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Administration")).to_be_visible()

    # Creates a study with just a title, then fills in the plan.
    page.get_by_role("link", name="New study").click()
    page.get_by_label("Title").fill("Brand health tracker 2025")
    page.get_by_role("button", name="Create study").click()
    expect(page).to_have_url(re.compile(r"/studies/\d+$"))
    study_url = page.url
    study_id = int(re.search(r"/studies/(\d+)$", study_url).group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Brand health tracker 2025")
    expect_current_stage(page, "Objectives")

    page.get_by_role("link", name="Edit study").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit study")
    fill_plan(page)
    expect(page).to_have_url(study_url)
    expect(page.get_by_role("status")).to_contain_text("Study saved.")
    plan = page.get_by_role("region", name="Research plan")
    for shown in ("Should the brand launch a lactose-free line?", "Descriptive",
                  "Field (primary data)", "Quantitative", "Survey, Focus group",
                  "Adults 18–65 who buy dairy weekly", re.compile(r"n = 1,?200, Quota"),
                  "Mar 1, 2025 – Apr 15, 2025", "1,500,000 RUB"):
        expect(plan).to_contain_text(shown)

    # Objectives → plan → fieldwork.
    move_to_next_stage(page, "Research plan")
    move_to_next_stage(page, "Fieldwork")

    # Fieldwork cannot finish without the questionnaire and the data check.
    page.get_by_role("button", name="Move to the next stage").click()
    expect(page.get_by_role("status")).to_contain_text("Finish this stage first")
    expect_current_stage(page, "Fieldwork")

    page.get_by_role("link", name="New survey").click()
    page.get_by_label("Title").fill("Main questionnaire")
    page.get_by_label("Kind of survey").select_option(label="Ad hoc")
    page.get_by_label("Main language of the questionnaire").select_option("ru")
    page.get_by_role("group", name="Further languages").get_by_label("English").check()
    page.get_by_role("button", name="Create survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Main questionnaire")
    expect(page.get_by_text("ru, en (main: ru)")).to_be_visible()
    page.get_by_role("link", name="Brand health tracker 2025").click()

    fieldwork = page.get_by_role("article", name=re.compile("Fieldwork"))
    fieldwork.get_by_role("listitem").filter(
        has_text="Fieldwork finished and data checked").get_by_role(
        "button", name="Mark as done").click()
    expect(page.get_by_role("status")).to_contain_text("Checklist updated.")
    move_to_next_stage(page, "Analysis & reporting")
    expect(page.get_by_role("region", name="Surveys")).to_contain_text("Main questionnaire")

    # Invites a colleague without an account as a viewer: a link to pass on.
    page.get_by_role("link", name="Team").click()
    page.get_by_label("Colleague's e-mail").fill(VIEWER["email"])
    page.get_by_label("Role", exact=True).select_option(label="Viewer")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation created")
    link_box = page.get_by_label("Invitation link")
    expect(link_box).to_have_id("invitation-link")
    expect(link_box).not_to_be_editable()
    invitation_link = link_box.input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/account/invitation/\S+", invitation_link)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_contain_text("You have logged out.")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    # The colleague opens the link in their own browser and registers.
    colleague = new_page(java_script_enabled=False)
    colleague.goto(invitation_link)
    expect(colleague).to_have_url(re.compile(r"/account/register\?invitation="))
    expect(colleague.get_by_text("You are invited to the study “Brand health tracker 2025” "
                                 "as Viewer.")).to_be_visible()
    expect(colleague.get_by_label("E-mail")).to_have_value(VIEWER["email"])
    register(colleague, **VIEWER)
    expect(colleague).to_have_url(re.compile(r"/dashboard$"))
    expect(colleague.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Administration")).to_have_count(0)

    # Sees the study, read-only.
    colleague.get_by_role("link", name="Brand health tracker 2025").click()
    expect(colleague).to_have_url(study_url)
    expect(colleague.get_by_text("Your role: Viewer")).to_be_visible()
    expect_current_stage(colleague, "Analysis & reporting")
    expect(colleague.get_by_role("link", name="Edit study")).to_have_count(0)
    expect(colleague.get_by_role("button", name="Edit study")).to_have_count(0)
    expect(colleague.get_by_role("button", name="Mark as done")).to_have_count(0)

    response = colleague.goto(f"/studies/{study_id}/edit")
    assert response.status == 403
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(colleague.get_by_text("Your role in this study does not allow this action."))\
        .to_be_visible()


def test_wrong_password_gets_the_generic_message(new_page, make_account):
    email = make_account()
    page = new_page(java_script_enabled=False)
    for address, password in ((email, "not the password"),
                              ("nobody@example.org", "not the password")):
        page.goto("/account/login")
        page.get_by_label("E-mail").fill(address)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(re.compile(r"/account/login$"))
        expect(page.get_by_role("alert")).to_contain_text("The e-mail or password is not correct.")
        # The e-mail stays filled in; the password does not come back.
        expect(page.get_by_label("E-mail")).to_have_value(address)
        expect(page.get_by_label("Password", exact=True)).to_have_value("")


def test_language_switch_turns_the_interface_russian(new_page, make_account, log_in):
    page = new_page(java_script_enabled=False)
    page.goto("/account/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page).to_have_url(re.compile(r"/account/login$"))  # back where we were
    page.goto("/account/register")
    expect(page.locator("html")).to_have_attribute("lang", "ru")

    # A logged-in user's choice is kept in the profile: it follows them to a new browser.
    email = make_account()
    user_page = new_page(java_script_enabled=False)
    log_in(user_page, email)
    user_page.get_by_label("Language").select_option("ru")
    user_page.get_by_role("button", name="Switch").click()
    expect(user_page.locator("html")).to_have_attribute("lang", "ru")
    elsewhere = new_page(java_script_enabled=False)
    log_in(elsewhere, email)
    expect(elsewhere.locator("html")).to_have_attribute("lang", "ru")
