"""Spam rules that need no third party: what a comment's content says about it.

The honeypot, the single-use token and the flood counts are checked by the posting route; here
are the content rules that mark a comment as spam (it is stored for a moderator to see, with
the reason), and the keyed hash that groups posts by address without storing the address.
"""

import hashlib
import hmac
import re

_LINK = re.compile(r"(?:https?://|www\.)\S+|<a\s", re.IGNORECASE)


def hash_ip(secret_key: str, ip: str) -> str:
    """A keyed hash: rows can be grouped by sender without the address being stored."""
    return hmac.new(secret_key.encode(), ip.encode(), hashlib.sha256).hexdigest()[:32]


def spam_reason(body: str, name: str, url: str, *, max_links: int, spam_words: list[str]) -> str:
    """Return why this comment is spam (in French, for moderators), or "" if it is not."""
    links = len(_LINK.findall(body))
    if links > max_links:
        return f"Trop de liens : {links} (au plus {max_links})."
    text = f"{name}\n{body}\n{url}".casefold()
    for word in spam_words:
        if word and word.casefold() in text:
            return f"Mot interdit : « {word} »."
    return ""
