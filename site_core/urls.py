"""The one check of what counts as a web address (author links, feed links, the form's site)."""

from urllib.parse import urlsplit


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) address with a host and no space."""
    if not url or " " in url:
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)
