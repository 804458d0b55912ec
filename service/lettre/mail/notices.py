"""What the other subscription e-mails say: the confirmation (double opt-in), the « vous êtes
déjà abonné » answer to a new request from a subscribed address (so the form never reveals
whether an address is subscribed), and the e-mail to people following a discussion when a new
comment there is approved."""

import json
from datetime import datetime

from service.core.mailer import body_text
from service.lettre import links as signed
from service.lettre import subscriptions
from service.lettre.mail.letters import LETTRE_NAME, Drop, Parts
from service.lettre.subscriptions import REPONSES, describe
from site_core.comments.threads import render_body

DISCUSSIONS_NAME = "Les discussions du site des partenaires"  # ASCII: see emails.LISTS
EXCERPT_CHARS = 2000


def confirmation(composer, conn, row) -> Parts:
    named = subscriptions.named(conn, row["subscriber_id"], json.loads(row["detail"] or "[]"))
    pending = [sub for sub in named if sub["status"] == "pending"]
    if not pending:
        raise Drop("rien à confirmer")
    manifest = composer.site.manifest
    lettre = any(sub["kind"] == "lettre" for sub in pending)
    list_name = LETTRE_NAME if lettre else DISCUSSIONS_NAME
    link = signed.Link(
        row["subscriber_id"],
        row["link_key"],
        tuple(json.loads(row["detail"])),
        # The queueing time, not the sending time: a message sent again is the same message.
        issued=datetime.fromisoformat(row["created_at"]).timestamp(),
    )
    subject = "Confirmez votre abonnement" if lettre else "Confirmez le suivi de la discussion"
    text, page = composer.render(
        "confirmation",
        subject,
        list_name,
        items=[describe(conn, sub, manifest, composer.read_comment) for sub in pending],
        confirm_url=composer.links().url(signed.CONFIRM, link),
        hours=f"{composer.settings.confirm_hours:g}",
        preheader="Un clic pour confirmer : rien ne vous sera envoyé sans cela.",
    )
    return Parts(composer.head(list_name, subject), text, page, {}, "")


def already_subscribed(composer, conn, row) -> Parts:
    subject = "Votre abonnement à La lettre des partenaires"
    text, page = composer.render("deja_abonne", subject, LETTRE_NAME)
    links = {"manage_url": composer.person_links(row, None)["manage_url"]}
    return Parts(composer.head(LETTRE_NAME, subject), text, page, links, "")


def reply(composer, conn, row) -> Parts:
    comment = composer.read_comment(conn, row["comment_id"])
    if comment is None or not comment.public:
        raise Drop("commentaire retiré avant l’envoi")
    subscription = subscriptions.get(conn, row["subscription_id"])
    if subscription is None or subscription["status"] != "active" or row["suspended_at"]:
        raise Drop("ne suit plus la discussion")
    article = composer.site.manifest.articles.get(comment.article_slug)
    if article is None:
        raise Drop("article retiré")
    mine = subscription["kind"] == REPONSES

    def build():
        subject = (
            f"Nouvelle réponse à votre commentaire sur « {article.title} »"
            if mine
            else f"Nouveau commentaire sur « {article.title} »"
        )
        article_url = composer.absolute(article.url)
        body = comment.body
        text, page = composer.render(
            "reponse",
            subject,
            DISCUSSIONS_NAME,
            heading="Nouvelle réponse à votre commentaire" if mine else "Nouveau commentaire",
            comment={
                "author_name": comment.author_name,
                "created": datetime.fromisoformat(comment.created_at),
                "body_html": render_body(body[:EXCERPT_CHARS]),
                "body_text": body_text(body[:EXCERPT_CHARS]),
            },
            article_title=article.title,
            article_url=article_url,
            comment_url=f"{article_url}#commentaire-{comment.id}",
            followed="les réponses à votre commentaire"
            if mine
            else "les commentaires de cet article",
            preheader=f"{comment.author_name} a écrit sous « {article.title} ».",
        )
        return composer.head(DISCUSSIONS_NAME, subject), text, page

    head, text, page = composer.variant(("reponse", comment.id, mine), build)
    links = composer.person_links(row, row["subscription_id"])
    return Parts(head, text, page, links, "discussions")
