"""Invitation e-mails go through a real SMTP server (aiosmtpd on loopback)."""
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

PASSWORD = "correct horse battery"


class Mailbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def app_config(smtp_server):
    controller, _mailbox = smtp_server
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port,
            "MAIL_SENDER": "Anketa <anketa@example.org>"}


def test_study_invitation_is_mailed_with_a_working_link(smtp_server, web, make_user, make_study):
    _controller, mailbox = smtp_server
    mailbox.messages.clear()
    owner = make_user(email="owner@example.org", name="Olga")
    study = make_study(owner, title="Pricing study")
    web.login(owner.email, PASSWORD)
    page = web.post(f"/studies/{study.id}/team/invite",
                    {"email": "colleague@example.org", "role": "viewer"}).get_data(as_text=True)
    assert "The invitation was sent by e-mail." in page
    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    assert message["To"] == "colleague@example.org"
    body = message.get_payload(decode=True).decode()
    assert "Olga" in body and "Pricing study" in body
    link = next(word for word in body.split() if "/account/invitation/" in word)
    web.logout()
    landing = web.get(link.replace("http://anketa.test", ""))
    assert landing.status_code == 302 and "/account/register?invitation=" in \
        landing.headers["Location"]


def test_unreachable_mail_server_still_shows_the_link(web, make_user, make_study, app):
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    owner = make_user(email="owner@example.org")
    study = make_study(owner)
    web.login(owner.email, PASSWORD)
    page = web.post(f"/studies/{study.id}/team/invite",
                    {"email": "colleague@example.org", "role": "editor"}).get_data(as_text=True)
    assert "could not be sent" in page and "/account/invitation/" in page
