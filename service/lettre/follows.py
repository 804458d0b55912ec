"""Following a discussion: the comment form's two boxes, and the e-mails when a reply is approved.

« Me prévenir par e-mail des réponses à mon commentaire » follows the comment (`reponses`,
target its number); « … des nouveaux commentaires sur cet article » follows the article
(`article`, target its slug). Both are recorded in the transaction that stores the comment
(`record`, on the writer's `comment-stored-in-transaction`), with the confirmation e-mail when
the address was never confirmed; a comment sent to the spam queue records nothing (it may be a
robot's, and a robot must not make us e-mail anyone).

When a moderation action approves a comment, `on_change` runs inside the action's transaction
(`comment-changed-in-transaction`; both connected by the lettre's setup) and queues one e-mail
per follower: those of the comment it answers and those of its article; only active follows
begun before the comment was written, never its own author, one e-mail per person and comment
however many reasons they have (outbox.dedupe). Pending, rejected and spam comments send
nothing; an e-mail queued for a comment unpublished before it left is dropped by the sender.

Both read the comments domain's table (which comments are pending, or approved), across
domains: see service/core/db.py.
"""

import sqlite3

from service.core import clock
from service.core.events import Change
from service.core.site import Site
from service.lettre import outbox, subscriptions
from service.lettre.settings import LettreSettings
from service.lettre.subscriptions import ARTICLE, REPONSES

# The comment form's boxes (comments/validation.py FOLLOW_BOXES, carried in NewComment.follow)
# -> kind of follow.
FIELDS = {"suivre_reponses": REPONSES, "suivre_article": ARTICLE}


class Follows:
    def __init__(self, settings: LettreSettings, site: Site):
        self.settings = settings
        self.site = site

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
            "confirmation par e-mail si l’adresse ne l’avait jamais été ; désabonnement en un "
            "clic dans chaque e-mail."
        )

    def record(self, conn: sqlite3.Connection, stored: list) -> None:
        """`stored` is (comment id, NewComment) pairs just inserted in this transaction."""
        wanted = [(comment_id, comment) for comment_id, comment in stored if comment.follow]
        if not wanted:
            return
        pending = {
            row[0]
            for row in conn.execute(
                "SELECT id FROM comments WHERE status = 'pending'"
                " AND id IN (SELECT value FROM json_each(?))",
                ("[" + ",".join(str(comment_id) for comment_id, _ in wanted) + "]",),
            )
        }
        now = clock.now()
        for comment_id, comment in wanted:
            if comment_id not in pending:
                continue
            for kind in (FIELDS[box] for box in comment.follow if box in FIELDS):
                target = str(comment_id) if kind == REPONSES else comment.article_slug
                consent = self._consent(kind, comment_id, comment.article_slug)
                subscriptions.follow(
                    conn,
                    comment.author_email,
                    kind,
                    target,
                    consent,
                    now,
                    self.settings.confirm_interval,
                )

    def on_change(self, conn: sqlite3.Connection, change: Change) -> None:
        """E-mail the followers of what became public, in the moderation's transaction."""
        if change.comment_id is None:
            return
        comments = conn.execute(
            "SELECT id, article_slug, parent_id, author_email, created_at FROM comments"
            " WHERE status = 'approved' AND NOT erased AND id IN (?,"
            " (SELECT parent_id FROM comments WHERE id = ?))",
            (change.comment_id, change.comment_id),
        ).fetchall()
        for comment in comments:
            outbox.enqueue_replies(conn, comment, clock.now())
