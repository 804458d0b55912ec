"""Moderator e-mails made safe: text a reader typed can never become a header or a MIME part.

A name such as `=?utf-8?b?…?=` is plain ASCII, so stripping control characters from it is not
enough: a mail reader (and Python's own header parser, when the message is built) decodes the
encoded word, and its CR LF then split the header, adding a Reply-To or an HTML body. So text
for a header is decoded first, as a reader would (nested words too), then every character that
can end a line is removed, and any `=?` left is broken up so nothing is decoded again. Headers
are then built by `email.headerregistry` under `policy.SMTP`, which encodes and folds them
itself; the body is a single text/plain part.
"""

import re
import unicodedata
from datetime import datetime
from email import policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from site_core.dates import PARIS

from .config import Config

# Categories that may end a line somewhere: controls (CR, LF, TAB, NEL U+0085…), line and
# paragraph separators (U+2028, U+2029).
_UNSAFE = {"Cc", "Zl", "Zp"}
_FOLD = re.compile(r"\r?\n(?=[ \t])")  # RFC 5322 unfolding, as a reader does before decoding
_SPACES = re.compile(" {2,}")
# An encoded word inside an encoded word decodes one level per pass; deeper is not a name.
MAX_DECODING_PASSES = 5
_HEADERS = HeaderRegistry()


def _decoded(text: str) -> str:
    """`text` as a mail reader shows it: unfolded, encoded words decoded (nested ones too)."""
    for _ in range(MAX_DECODING_PASSES):
        decoded = str(_HEADERS("subject", _FOLD.sub("", text)))
        if decoded == text:
            break
        text = decoded
    return text


def _safe(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cs":  # a lone surrogate, from undecodable bytes: cannot be encoded
        return "\ufffd"
    return " " if category in _UNSAFE else ch


def one_line(text: str) -> str:
    """`text` on one line: every control or separator character becomes a space."""
    return _SPACES.sub(" ", "".join(map(_safe, text))).strip()


def header_text(text: str) -> str:
    """Text safe in a header: decoded, on one line, with no `=?` left to be decoded again."""
    return one_line(_decoded(text)).replace("=?", "= ?")


def body_text(text: str) -> str:
    """Multi-line text for the body: LF line ends, no other control or separator character."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(one_line(line) for line in lines)


def compose(config: Config, subject: str, body: str, now: datetime) -> EmailMessage:
    """The e-mail to the moderators: our headers only, each once, and one text/plain part.

    `subject` and `body` must come from `header_text` and `body_text` (or be our own text).
    """
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = config.mail_from
    msg["To"] = ", ".join(config.moderator_emails)
    msg["Subject"] = header_text(subject)
    msg["Date"] = format_datetime(now.astimezone(PARIS))
    msg["Message-ID"] = make_msgid(domain="commentaires.local")
    msg.set_content(body_text(body), subtype="plain", charset="utf-8")
    return msg
