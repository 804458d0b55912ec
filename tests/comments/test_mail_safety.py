"""Moderator e-mails carry what readers typed as harmless text: header and body injection
through a real local SMTP server (aiosmtpd), checked on the message as received."""

import base64

import pytest

from service.core import mailer
from tests.support.comments import running_service
from tests.support.mail.comment_mail import MODERATORS, post, smtp_config, store_comment


def _b(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?b?{base64.b64encode(text.encode(charset)).decode()}?="


PAYLOAD = "Eve\r\nReply-To: pirate@evil.example\r\nContent-Type: text/html\r\n\r\n<h1>Urgent</h1>"
SEPARATORS = (
    "Eve\u2028Reply-To: pirate@evil.example\u2029Content-Type: text/html\x85\x85<h1>Urgent</h1>"
)
INJECTIONS = {
    "raw CRLF": "Eve\r\nBcc: victime@exemple.fr\r\nReply-To: pirate@evil.example",
    "raw folded header": "Eve\r\n\tReply-To: pirate@evil.example\r\n Content-Type: text/html",
    "raw unicode separators": SEPARATORS,
    "b encoded word": _b(PAYLOAD),
    "q encoded word": "=?utf-8?q?Eve=0D=0AReply-To:_pirate@evil.example=0D=0AContent-Type:"
    "_text/html=0D=0A=0D=0A<h1>Urgent</h1>?=",
    "double encoded": _b(_b(PAYLOAD)),
    "encoded word split by folding": _b(PAYLOAD[:6]) + "\r\n " + _b(PAYLOAD[6:]),
    "encoded unicode separators": _b(SEPARATORS),
    "latin-1 NEL": "=?iso-8859-1?q?Eve=85Reply-To:_pirate@evil.example=85=85<h1>Urgent</h1>?=",
    "inline encoded word": "Eve" + _b("\r\nReply-To: pirate@evil.example"),
}


def assert_harmless(message, config) -> None:
    """The message as received: our headers only, once each, and one text/plain body."""
    for name in ("From", "To", "Subject", "Date", "Message-ID"):
        assert len(message.get_all(name, [])) == 1, name
    assert message["Reply-To"] is None and message["Bcc"] is None
    assert str(message["From"]) == config.core.mail_from
    assert sorted(a.addr_spec for a in message["To"].addresses) == sorted(MODERATORS)
    assert sorted(message.recipients) == sorted(MODERATORS)
    assert not message.is_multipart()
    assert message.get_content_type() == "text/plain"
    lines = message.get_content().splitlines()
    assert not [line for line in lines if line.startswith(("<", "Content-Type", "Reply-To"))]
    assert "=?" not in message["Subject"]
    # The name is still there, as harmless text.
    assert "Eve" in message["Subject"]


@pytest.mark.parametrize("name", INJECTIONS.values(), ids=INJECTIONS.keys())
def test_header_and_body_injection_is_impossible(tmp_path, comment_site, smtp_server, name):
    config = smtp_config(tmp_path, comment_site, smtp_server)
    with running_service(config) as service:
        store_comment(service, name)  # stored directly: this checks the mailer itself
        [message] = smtp_server.wait_for(1)
    assert_harmless(message, config)
    assert "Reply-To: pirate@evil.example" in message["Subject"]


def test_encoded_word_posted_through_the_form_stays_text(tmp_path, comment_site, smtp_server):
    config = smtp_config(tmp_path, comment_site, smtp_server)
    with running_service(config) as service:
        assert post(service, nom=_b(PAYLOAD)).status_code == 303
        [message] = smtp_server.wait_for(1)
    assert_harmless(message, config)
    assert (
        "Eve Reply-To: pirate@evil.example Content-Type: text/html <h1>Urgent</h1>"
        in (message["Subject"])
    )


def test_names_that_are_not_attacks_are_kept():
    assert mailer.header_text("=?utf-8?q?Ren=C3=A9e_Dupr=C3=A9?=") == "Renée Dupré"
    assert mailer.header_text("Jean =?x?") == "Jean = ?x?"
    assert mailer.header_text("  Anne\u00a0Marie  ") == "Anne\u00a0Marie"


def test_issue19_item15_the_moderators_mail_says_it_is_automatic_and_whose_it_is():
    """RFC 3834: automatic mail says so (no vacation reply loops back); its Message-ID names
    the sender's domain, not « commentaires.local »."""
    from datetime import UTC, datetime

    from service.comments.moderator_mail import compose

    message = compose(
        "Commentaires <moderation@caf-essonne.example.fr>",
        ["modo@exemple.fr"],
        "1 commentaire à modérer",
        "Texte.",
        datetime.now(UTC),
    )
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@caf-essonne.example.fr>")
