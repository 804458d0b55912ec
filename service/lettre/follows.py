"""Following a discussion: the comment form's two boxes, and the e-mails when a reply is approved.

« Me prévenir par e-mail des réponses à mon commentaire » follows the comment (`reponses`,
target its number); « … des nouveaux commentaires sur cet article » follows the article
(`article`, target its slug). Both are recorded in the transaction that stores the comment
(`record`, on the writer's `comment-stored-in-transaction`), pending, with one confirmation
e-mail for both: anyone can type any address in the form, so a follow starts only when the
address's owner says yes, even if it was confirmed before; a comment sent to the spam queue
records nothing (it may be a robot's, and a robot must not make us e-mail anyone). A follow is
bound to the comment that asked for it: it ends when the team rejects the comment, marks it as
spam or deletes it (`on_change`), confirmed or not.

When a moderation action approves a comment, `on_change` runs inside the action's transaction
(`comment-changed-in-transaction`; both connected by the lettre's setup) and queues one e-mail
per follower: those of the comment it answers and those of its article; only active follows
begun before the comment was written, never its own author, one e-mail per person and comment
however many reasons they have (outbox.dedupe). Pending, rejected and spam comments send
nothing; an e-mail queued for a comment unpublished before it left is dropped by the sender.

Both read the comments through `read_comment` (subscriptions.ReadComment: the comments
domain's store.snapshot, handed by app.py), on the event's connection: they see the
transaction's own writes, and what they queue is committed with it or not at all.
"""

import sqlite3

from service.core import clock
from service.core.events import Change
from service.core.site import Site
from service.lettre import outbox, subscriptions
from service.lettre.settings import LettreSettings
from service.lettre.subscriptions import ARTICLE, REPONSES, ReadComment

# The comment form's boxes (comments/validation.py FOLLOW_BOXES, carried in NewComment.follow)
# -> kind of follow.
FIELDS = {"suivre_reponses": REPONSES, "suivre_article": ARTICLE}


class Follows:
    def __init__(self, settings: LettreSettings, site: Site, read_comment: ReadComment):
        self.settings = settings
        self.site = site
        self.read_comment = read_comment

    def _consent(self, kind: str, comment_id: int, slug: str) -> str:
        article = self.site.manifest.articles.get(slug)
        title = f"« {article.title} »" if article else slug
        what = (
            f"les réponses à mon commentaire n° {comment_id} sur {title}"
            if kind == REPONSES
            else f"les nouveaux commentaires sur {title}"
        )
        return (
            f"Recevoir par e-mail {what} (case cochée dans le formulaire de commentaire), après "
            "confirmation par e-mail ; désabonnement en un clic dans chaque e-mail."
        )

    def record(self, conn: sqlite3.Connection, stored: list) -> None:
        """`stored` is (comment id, NewComment) pairs just inserted in this transaction."""
        now = clock.now()
        for comment_id, comment in stored:
            boxes = [FIELDS[box] for box in comment.follow if box in FIELDS]
            stored_as = self.read_comment(conn, comment_id) if boxes else None
            if stored_as is None or stored_as.status != "pending":
                continue
            asked = [
                {
                    "kind": kind,
                    "target": str(comment_id) if kind == REPONSES else comment.article_slug,
                    "consent": self._consent(kind, comment_id, comment.article_slug),
                }
                for kind in boxes
            ]
            subscriptions.follow(conn, comment.author_email, asked, comment_id, now, self.settings)

    def on_change(self, conn: sqlite3.Connection, change: Change) -> None:
        """In the moderation's transaction: end the follows asked with a comment the team
        rejected, marked as spam or deleted; e-mail the followers of what became public."""
        changed = self.read_comment(conn, change.comment_id) if change.comment_id else None
        withdrawn = [*change.deleted]
        if changed is not None and changed.status in ("rejected", "spam"):
            withdrawn.append(changed.id)
        if withdrawn:
            subscriptions.end_follows(conn, withdrawn, clock.now())
        if changed is None:
            return
        # The comment and the one it answers (an official reply makes both public at once).
        parent = self.read_comment(conn, changed.parent_id) if changed.parent_id else None
        for comment in sorted((c for c in (changed, parent) if c and c.public), key=lambda c: c.id):
            outbox.enqueue_replies(conn, comment, clock.now())
