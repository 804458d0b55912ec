"""Sending e-mail, for every domain that does: the connection to the mail server of the
settings, and text a reader typed made safe for a header or a body.

A name such as `=?utf-8?b?…?=` is plain ASCII, so stripping control characters from it is not
enough: a mail reader (and Python's own header parser, when the message is built) decodes the
encoded word, and its CR LF then split the header, adding a Reply-To or an HTML body. So text
for a header is decoded first, as a reader would (nested words too), then every character that
can end a line is removed, and any `=?` left is broken up so nothing is decoded again. Used by
the moderators' notifier (comments) and the lettre's sender and e-mails.
"""

import re
import smtplib
import ssl
import unicodedata
from email.headerregistry import HeaderRegistry

from service.core.settings import CoreSettings

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
    return "\n".join("".join(map(_safe, line)).rstrip() for line in lines)


def connect_smtp(shared: CoreSettings, timeout: float = 20) -> smtplib.SMTP:
    """A connection to the mail server of the settings, logged in if a user is set. Over TLS
    (CoreSettings.smtp_security) the relay's certificate and name are checked before anything
    is sent: smtplib's starttls() without a context checks nothing, and a server on the way
    got the login. A server not offering STARTTLS is refused, never used in clear."""
    mode = shared.smtp_security()
    host, port = shared.smtp_host, shared.smtp_port
    if mode == "none":
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    else:
        context = ssl.create_default_context(cafile=shared.smtp_ca_file)
        if mode == "implicit":
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if mode == "starttls":
            smtp.starttls(context=context)
        if shared.smtp_user:
            smtp.login(shared.smtp_user, shared.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def with_quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
