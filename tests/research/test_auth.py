import pytest
from sqlalchemy import func, select

from research.auth import services
from research.extensions import db
from research.models import User

PASSWORD = "correct horse battery"


def register(web, email="ada@example.org", name="Ada", password=PASSWORD, confirm=None, **extra):
    data = {"email": email, "name": name, "password": password,
            "confirm": password if confirm is None else confirm}
    data.update(extra)
    return web.post("/account/register", data)


def count_users():
    return db.session.scalar(select(func.count(User.id)))


def test_first_account_becomes_admin_and_later_ones_do_not(web):
    assert register(web).status_code == 302
    web.logout()
    assert register(web, email="bob@example.org", name="Bob").status_code == 302
    users = {u.email: u for u in db.session.scalars(select(User))}
    assert users["ada@example.org"].is_admin and not users["bob@example.org"].is_admin
    assert users["ada@example.org"].password_hash != PASSWORD
    assert users["ada@example.org"].check_password(PASSWORD)


def test_registration_logs_in_and_shows_the_dashboard(web):
    response = register(web, email="  Ada@Example.ORG ")
    assert response.headers["Location"].endswith("/dashboard")
    page = web.get("/dashboard").get_data(as_text=True)
    assert "My studies" in page
    assert db.session.scalar(select(User.email)) == "ada@example.org"


@pytest.mark.parametrize("changes, message", [
    ({"email": "not-an-email"}, "Invalid email address"),
    ({"email": "x" * 250 + "@example.org"}, "Field cannot be longer than 254 characters"),
    ({"name": "N" * 121}, "Field cannot be longer than 120 characters"),
    ({"name": ""}, "This field is required"),
    ({"name": "Eve\x00"}, "control characters"),
    ({"password": "short", "confirm": "short"}, "Field must be between 10 and 128 characters"),
    ({"confirm": "something else entirely"}, "The passwords do not match"),
])
def test_bad_registration_input_gets_a_field_error_and_stores_nothing(web, changes, message):
    response = register(web, **changes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count_users() == 0


def test_duplicate_email_is_refused_whatever_its_case(web, make_user):
    make_user(email="ada@example.org")
    response = register(web, email="ADA@example.org")
    assert "An account with this e-mail address already exists" in response.get_data(as_text=True)
    assert count_users() == 1


def test_invite_only_registration_needs_an_invitation(web, make_user, app):
    admin = make_user(admin=True)
    services.set_registration_mode("invite")
    db.session.commit()
    response = register(web)
    assert "Registration is by invitation only" in response.get_data(as_text=True)
    assert count_users() == 1
    invitation, token = services.create_invitation("ada@example.org", admin)
    db.session.commit()
    page = web.get(f"/account/register?invitation={token}").get_data(as_text=True)
    assert 'value="ada@example.org"' in page
    assert register(web, invitation=token).status_code == 302
    assert count_users() == 2
    web.logout()
    reused = register(web, email="eve@example.org", invitation=token)
    assert "expired or was already used" in reused.get_data(as_text=True)
    assert count_users() == 2


def test_unknown_invitation_token_is_404(web):
    assert web.get("/account/register?invitation=nonsense").status_code == 404
    assert web.get("/account/invitation/nonsense").status_code == 404


def test_login_errors_do_not_reveal_which_accounts_exist(web, make_user):
    make_user(email="ada@example.org")
    make_user(email="off@example.org", active=False)
    pages = [web.login(email, password).get_data(as_text=True) for email, password in [
        ("ada@example.org", "wrong password!"), ("nobody@example.org", PASSWORD),
        ("off@example.org", PASSWORD)]]
    for page in pages:
        assert "The e-mail or password is not correct." in page
    assert web.get("/dashboard").status_code == 302  # still anonymous


def test_login_logout_and_safe_next_redirect(web, make_user):
    make_user(email="ada@example.org")
    response = web.post("/account/login?next=/studies/new",
                        {"email": "ada@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/studies/new"
    web.logout()
    response = web.post("/account/login?next=//evil.example/x",
                        {"email": "ada@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/dashboard"
    assert db.session.scalar(select(User.last_login_at)) is not None
    web.logout()
    assert web.get("/dashboard").status_code == 302


def test_pages_need_login(client):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_post_without_csrf_token_is_refused_with_a_clear_message(web, make_user):
    make_user(email="ada@example.org")
    response = web.post("/account/login", {"email": "ada@example.org", "password": PASSWORD},
                        csrf=False)
    assert response.status_code == 400
    assert "security token is missing or expired" in response.get_data(as_text=True)


def test_tampered_csrf_token_is_refused(web):
    response = register(web, csrf_token="ImFiYyI.tampered.token")
    assert response.status_code == 400
    assert count_users() == 0


def test_password_change(logged_in):
    web, user = logged_in
    wrong = web.post("/account/", {"current_password": "not my password",
                                   "password": "new password 123", "confirm": "new password 123"})
    assert "The current password is not correct." in wrong.get_data(as_text=True)
    ok = web.post("/account/", {"current_password": PASSWORD, "password": "new password 123",
                                "confirm": "new password 123"})
    assert ok.status_code == 302
    db.session.refresh(user)
    assert user.check_password("new password 123") and not user.check_password(PASSWORD)


def test_admin_deactivates_an_account_which_then_cannot_log_in(web, make_user):
    admin = make_user(email="admin@example.org", admin=True)
    other = make_user(email="other@example.org")
    web.login(admin.email, PASSWORD)
    assert web.post(f"/admin/users/{other.id}/active").status_code == 302
    db.session.refresh(other)
    assert other.active is False
    own = web.post(f"/admin/users/{admin.id}/active", follow_redirects=True)
    assert "You cannot deactivate your own account." in own.get_data(as_text=True)
    web.logout()
    assert "not correct" in web.login(other.email, PASSWORD).get_data(as_text=True)


def test_deactivated_user_is_logged_out_of_an_existing_session(web, make_user):
    user = make_user(email="ada@example.org")
    web.login(user.email, PASSWORD)
    assert web.get("/dashboard").status_code == 200
    user.active = False
    db.session.commit()
    assert web.get("/dashboard").status_code == 302


def test_admin_pages_are_404_for_non_admins(logged_in):
    web, _user = logged_in
    assert web.get("/admin/users").status_code == 404
    assert web.post("/admin/registration", {"mode": "invite"}).status_code == 404


def test_admin_switches_registration_to_invite_only(web, make_user):
    admin = make_user(admin=True)
    web.login(admin.email, PASSWORD)
    web.post("/admin/registration", {"mode": "invite"})
    assert services.registration_mode() == "invite"
    bad = web.post("/admin/registration", {"mode": "everyone"}, follow_redirects=True)
    assert "Choose a valid registration setting." in bad.get_data(as_text=True)
    page = web.post("/admin/invitations", {"email": "new@example.org"}).get_data(as_text=True)
    assert "/account/invitation/" in page
