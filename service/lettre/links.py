"""Signed links in subscription e-mails: confirm, manage, unsubscribe, with no login.

Each link carries the subscriber's number and their `link_key` (random, stored with them),
signed with the service's secret key (itsdangerous, HMAC-SHA1 over a salt per purpose, so a
« gérer » link cannot be used as a « confirmer » one). Erasing a subscriber deletes the key, so
every link they were sent stops working; numbers are never reused (AUTOINCREMENT).

The serializer is the untimed one, deterministic: a message sent again after a crash carries
the very same links, byte for byte. A confirmation link carries its own issue time, checked
against LETTRE_CONFIRM_HOURS.
"""

from dataclasses import dataclass
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeSerializer

from service.core import clock

CONFIRM, MANAGE, UNSUBSCRIBE = "confirmer", "gerer", "desabonnement"
_SALTS = {purpose: f"lettre-{purpose}-v1" for purpose in (CONFIRM, MANAGE, UNSUBSCRIBE)}
# Links shown in a test send to the team: they open an explanation, never someone's data.
SAMPLE_SUBSCRIBER = 0


@dataclass(frozen=True)
class Link:
    """What a signed link says: whose, with which key, and (by purpose) what it is about."""

    subscriber_id: int
    key: str
    # confirmer: the subscription numbers it confirms; desabonnement: one subscription, or
    # () for all of them.
    subscriptions: tuple[int, ...] = ()
    issued: float = 0.0  # confirmer only

    @property
    def sample(self) -> bool:
        return self.subscriber_id == SAMPLE_SUBSCRIBER


class Links:
    def __init__(self, secret_key: str, base_url: str):
        """`base_url`: the service's public address, "https://site/commentaires/"."""
        self._serializers = {
            purpose: URLSafeSerializer(secret_key, salt=salt) for purpose, salt in _SALTS.items()
        }
        self.base_url = base_url

    def token(self, purpose: str, link: Link) -> str:
        payload = [link.subscriber_id, link.key, list(link.subscriptions)]
        if purpose == CONFIRM:
            payload.append(int(link.issued))
        return self._serializers[purpose].dumps(payload)

    def url(self, purpose: str, link: Link) -> str:
        return f"{self.base_url}lettre/{purpose}?t={quote(self.token(purpose, link))}"

    def read(self, purpose: str, token: str | None) -> Link | None:
        """The link in `token` if we signed it for `purpose`, else None."""
        if not token or len(token) > 500:
            return None
        try:
            payload = self._serializers[purpose].loads(token)
        except (BadSignature, UnicodeError, ValueError):
            return None
        try:
            subscriber_id, key, ids, *rest = payload
            return Link(int(subscriber_id), str(key), tuple(int(i) for i in ids), *rest)
        except (TypeError, ValueError):
            return None


def expired(link: Link, hours: float, now: float | None = None) -> bool:
    return (clock.now() if now is None else now) > link.issued + hours * 3600
