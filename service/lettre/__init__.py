"""« La lettre des partenaires » and following a discussion: subscriptions, the e-mails and
their sender.

`setup(settings, core, area, read_comment)` assembles the domain for app.py; `read_comment`
(subscriptions.ReadComment, the comments domain's store.snapshot) is how the lettre sees a
comment, on its own connection, without importing that domain. It connects, on the bus: the
follows (follows.py) inside the comments' transactions (`comment-stored-in-transaction`,
`comment-changed-in-transaction`), and the sender's wake-up (sender.py) to `mail-queued` and
`site-published`, so a publication is announced at once rather than at the next poll. Its
routes: the subscription form and the e-mails' links under /commentaires/, the team's page
under /redaction/lettre.
"""

from dataclasses import dataclass

from service.core import Core, Domain
from service.core.events import (
    COMMENT_CHANGED_IN_TRANSACTION,
    COMMENT_STORED_IN_TRANSACTION,
    MAIL_QUEUED,
    SITE_PUBLISHED,
)
from service.lettre.archive import ArchiveWriter
from service.lettre.follows import Follows
from service.lettre.link_pages import LinkPages
from service.lettre.sender import Sender
from service.lettre.settings import LettreSettings
from service.lettre.subscribe_pages import SubscribePages
from service.lettre.subscriptions import ReadComment
from service.lettre.team_page import LetterTeamPage
from service.team.area import Area
from site_core.paths import COMMENTS_ENDPOINT, TEAM_PATH


@dataclass(kw_only=True)
class LettreDomain(Domain):
    settings: LettreSettings
    core: Core
    sender: Sender  # a thread of the service; the commands' foreground sender


def setup(
    settings: LettreSettings, core: Core, area: Area, read_comment: ReadComment
) -> LettreDomain:
    site, bus = core.site, core.bus
    archive = ArchiveWriter(site, core.database)
    sender = Sender(settings, core.settings, site, read_comment, archive)
    follows = Follows(settings, site, read_comment)
    bus.connect(COMMENT_STORED_IN_TRANSACTION, follows.record)
    bus.connect(COMMENT_CHANGED_IN_TRANSACTION, follows.on_change)
    bus.connect(MAIL_QUEUED, sender.wake)
    bus.connect(SITE_PUBLISHED, lambda jobs: sender.wake())
    subscribe = SubscribePages(settings, core.settings, site, bus)
    links = LinkPages(subscribe, sender.composer.links, read_comment)
    routes = {
        COMMENTS_ENDPOINT: [*subscribe.routes(), *links.routes()],
        TEAM_PATH: LetterTeamPage(settings, site, area, bus).routes(),
    }
    return LettreDomain(
        routes=routes, workers=[sender], settings=settings, core=core, sender=sender
    )
