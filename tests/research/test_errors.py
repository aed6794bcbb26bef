def test_404_page_explains(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no such page, or you do not have access to it." in \
        response.get_data(as_text=True)


def test_413_page_for_oversized_requests(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/account/login", data={"email": "x" * 5000})
    assert response.status_code == 413
    assert "The upload is larger than this server accepts." in response.get_data(as_text=True)


def test_json_clients_get_json_errors(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"] == "Not found"


def test_405_for_wrong_method(client):
    assert client.get("/account/logout").status_code == 405


def test_500_page_rolls_back_and_explains(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert "nothing was saved" in response.get_data(as_text=True)


def test_concurrent_double_registration_gets_409_and_stores_one_account(web, monkeypatch):
    """Two submits racing past the duplicate check: the unique index decides, no 500."""
    from sqlalchemy import func, select

    from research.auth import services
    from research.extensions import db
    from research.models import User

    data = {"email": "ada@example.org", "name": "Ada", "password": "correct horse battery",
            "confirm": "correct horse battery"}
    assert web.post("/account/register", data).status_code == 302
    web.logout()
    # The second request does not see the first one's row, as if both ran at once.
    monkeypatch.setattr(services, "user_by_email", lambda email: None)
    response = web.post("/account/register", data)
    assert response.status_code == 409
    assert "Someone else changed this at the same time" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1
