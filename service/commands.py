"""The moderation and personal-data commands, in one table.

Both the command line (`python -m service <commande>`, cli.py) and the invoke tasks
(`invoke comments.<commande>`, tasks.py) are made from `COMMANDS`, so a command is written once:
its arguments, its French help, and what it does with the service's parts (app.assemble, the
same parts as the web service's: an approval republishes, e-mails followers, copies the site).
The lettre's commands are handed the lettre's part only.
"""

import getpass
import json
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from service import backup, health, rgpd
from service.comments import actions, store
from service.comments.actions import STATUS_LABELS
from service.core import db
from service.core.errors import ActionError
from service.lettre import commands as lettre_commands
from service.lettre.mail import bounces
from service.team.accounts import AccountError, create_moderator

# The identity written in moderated_by for actions taken from the command line.
CLI_MODERATOR = "ligne-de-commande"
IDS_HELP = "numéro(s) de commentaire"


@dataclass(frozen=True)
class Arg:
    """One argument: positional unless `option`; `kind` says how it is read."""

    name: str
    help: str
    kind: str = "str"  # "ids" (one or more numbers), "id", "int", "str", "path", "flag"
    option: bool = False
    default: object = None
    choices: tuple[str, ...] = ()

    def parse(self, value):
        """The value from a task's text (« 12,13 » for ids), like argparse would give it."""
        if value is None or self.kind in ("flag", "str"):
            return value
        if self.kind == "ids":
            return [int(part) for part in str(value).replace(",", " ").split()]
        return Path(value) if self.kind == "path" else int(value)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable  # (parts, values: dict, out) -> exit status or None
    args: tuple[Arg, ...] = ()


def _lettre(run: Callable) -> Callable:
    """A lettre command (lettre/commands.py, bounces.py), handed the lettre's part."""
    return lambda parts, values, out: run(parts.lettre, values, out)


def _status_command(status: str) -> Callable:
    def run(parts, values, out):
        for comment_id in values["ids"]:
            parts.comments.moderation.perform(actions.set_status, comment_id, status, CLI_MODERATOR)
            print(f"Commentaire n° {comment_id} {STATUS_LABELS[status][0]}.", file=out)

    return run


def _delete(parts, values, out):
    for comment_id in values["ids"]:
        parts.comments.moderation.perform(actions.delete, comment_id)
        print(f"Commentaire n° {comment_id} supprimé.", file=out)


def _text(values) -> str:
    return values["texte"] if values["texte"] is not None else sys.stdin.read()


def _edit(parts, values, out):
    parts.comments.moderation.perform(actions.edit, values["id"], _text(values), CLI_MODERATOR)
    print(f"Commentaire n° {values['id']} modifié.", file=out)


def _reply(parts, values, out):
    moderation = parts.comments.moderation
    change = moderation.perform(actions.reply, values["id"], _text(values), CLI_MODERATOR)
    print(
        f"Réponse n° {change.comment_id} publiée sous le commentaire n° {values['id']}.", file=out
    )


def _list(parts, values, out):
    status = values["statut"]
    with db.connection(parts.core.database) as conn:
        rows = store.listing(conn, status, newest_first=status != "pending", limit=values["max"])
    print(f"{len(rows)} commentaire(s) {STATUS_LABELS[status][1]} :", file=out)
    for row in rows:
        excerpt = " ".join(row["body"].split())[:80]
        print(
            f"  n° {row['id']}  {row['created_at']}  {row['article_slug']}  "
            f"{row['author_name']} <{row['author_email']}>  {excerpt}",
            file=out,
        )


def _ask(question: str, without_terminal: str, secret: bool = False) -> str:
    """The operator's answer at the terminal; with no terminal (a script, cron) an
    ActionError saying which option answers instead, never a traceback."""
    if not sys.stdin.isatty():
        raise ActionError(without_terminal)
    try:
        return getpass.getpass(question) if secret else input(question)
    except EOFError:
        raise ActionError(without_terminal) from None


def _create_moderator(parts, values, out):
    if values["mot_de_passe_stdin"]:
        password = sys.stdin.readline().rstrip("\n")
    else:
        no_terminal = (
            "Pas de terminal pour saisir le mot de passe : donnez-le sur l’entrée standard avec "
            "--mot-de-passe-stdin."
        )
        password = _ask("Mot de passe (12 caractères au moins) : ", no_terminal, secret=True)
        if _ask("Le même, pour confirmer : ", no_terminal, secret=True) != password:
            raise AccountError("Les deux mots de passe saisis diffèrent.")
    roles = (values.get("roles") or "moderation").replace(",", " ").split()
    with db.connection(parts.core.database) as conn:
        create_moderator(conn, values["username"], password, values["nom"], values["email"], roles)
    print(f"Compte de modération « {values['username']} » créé.", file=out)


def _export(parts, values, out):
    with db.connection(parts.core.database) as conn:
        data = rgpd.export(conn, values["email"])
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if values["sortie"]:
        values["sortie"].write_text(text + "\n", encoding="utf-8")
        print(f"Export écrit dans {values['sortie']}.", file=out)
    else:
        print(text, file=out)


def _erase(parts, values, out):
    email = values["email"]
    if not values["oui"]:
        no_terminal = (
            "Rien n’a été effacé : pas de terminal pour confirmer. Ajoutez --oui pour effacer "
            f"les données de {email} sans question."
        )
        if _ask(f"Effacer toutes les données de {email} ? [o/N] ", no_terminal) != "o":
            print("Rien n’a été effacé.", file=out)
            return 1
    change = parts.comments.moderation.perform(rgpd.erase, email)
    with db.connection(parts.core.database) as conn:
        rgpd.wipe(conn)
    print(f"{change.count} commentaire(s) effacé(s) pour {email}.", file=out)


def _purge_ips(parts, values, out):
    days = parts.comments.settings.ip_retention_days
    with db.connection(parts.core.database) as conn:
        count = rgpd.purge_ips(conn, days)
    print(f"Empreinte d’IP oubliée pour {count} commentaire(s) de plus de {days} jours.", file=out)


def _backup(parts, values, out):
    content = parts.room.room.publishing.store.content_dir
    done = backup.take(parts.core.database, content, values["dossier"], values["garder"])
    print(f"Sauvegarde écrite dans {done}.", file=out)


def _health(parts, values, out):
    healthy, line = health.report(parts)
    print(line, file=out)
    return 0 if healthy else 1


IDS = Arg("ids", IDS_HELP, "ids")
TEXT = Arg("texte", "le texte (sinon lu sur l’entrée standard)", option=True)
COMMANDS = (
    Command(
        "approve", "Approuver (publier) des commentaires.", _status_command("approved"), (IDS,)
    ),
    Command("reject", "Rejeter des commentaires.", _status_command("rejected"), (IDS,)),
    Command(
        "spam", "Classer des commentaires comme indésirables.", _status_command("spam"), (IDS,)
    ),
    Command(
        "delete", "Supprimer définitivement des commentaires (et leurs réponses).", _delete, (IDS,)
    ),
    Command(
        "edit", "Remplacer le texte d’un commentaire.", _edit, (Arg("id", "numéro", "id"), TEXT)
    ),
    Command(
        "reply",
        "Publier une réponse officielle de la Caf.",
        _reply,
        (Arg("id", "numéro", "id"), TEXT),
    ),
    Command(
        "list",
        "Lister les commentaires d’une file.",
        _list,
        (
            Arg("statut", "file", option=True, default="pending", choices=tuple(STATUS_LABELS)),
            Arg("max", "nombre maximal", "int", option=True, default=50),
        ),
    ),
    Command(
        "create-moderator",
        "Créer un compte de l’équipe (le mot de passe est demandé ; le premier compte est "
        "administrateur).",
        _create_moderator,
        (
            Arg("username", "identifiant"),
            Arg("nom", "nom affiché", option=True, default=""),
            Arg("email", "adresse e-mail", option=True, default=""),
            Arg(
                "roles",
                "rôles, séparés par des virgules : redaction, moderation, administration",
                option=True,
                default="moderation",
            ),
            Arg(
                "mot_de_passe_stdin",
                "lire le mot de passe sur l’entrée standard",
                "flag",
                True,
                False,
            ),
        ),
    ),
    Command(
        "export",
        "Exporter (JSON) les données liées à une adresse e-mail.",
        _export,
        (Arg("email", "adresse e-mail"), Arg("sortie", "fichier JSON à écrire", "path", True)),
    ),
    Command(
        "erase",
        "Effacer toutes les données liées à une adresse e-mail.",
        _erase,
        (
            Arg("email", "adresse e-mail"),
            Arg("oui", "ne pas demander de confirmation", "flag", True, False),
        ),
    ),
    Command(
        "purge-ips", "Oublier les empreintes d’IP au-delà de la durée de conservation.", _purge_ips
    ),
    # Operations (deploy/: the daily timer, the monitor).
    Command(
        "sauvegarde",
        "Sauvegarder la base (sans arrêter le service) et les contenus, en gardant les N "
        "dernières sauvegardes.",
        _backup,
        (
            Arg("dossier", "dossier des sauvegardes", "path"),
            Arg("garder", "nombre de sauvegardes gardées", "int", True, 14),
        ),
    ),
    Command(
        "sante",
        "Dire en une ligne si la base, les envois, la dernière publication et le disque vont "
        "bien (code de sortie 1 sinon).",
        _health,
    ),
    # « La lettre des partenaires » (lettre/commands.py).
    Command(
        "announce",
        "Annoncer aux abonnés les articles publiés et envoyer les e-mails en attente.",
        _lettre(lettre_commands.announce),
        (Arg("sans_envoi", "annoncer seulement (le service enverra)", "flag", True, False),),
    ),
    Command(
        "lettre-essai",
        "Envoyer à une adresse un essai de la dernière lettre (ou du dernier article).",
        _lettre(lettre_commands.test_send),
        (Arg("email", "adresse e-mail qui reçoit l’essai"),),
    ),
    Command(
        "lettre-abonnes",
        "Exporter (CSV) la liste des abonnés à la lettre, avec leur consentement.",
        _lettre(lettre_commands.export),
        (Arg("sortie", "fichier CSV à écrire", "path", True),),
    ),
    Command(
        "rebond",
        "Lire un e-mail reçu à l’adresse des rebonds (avis de non-remise, plainte, réponse) :"
        " stdin, ou --fichier.",
        _lettre(bounces.command),
        (Arg("fichier", "l’e-mail à lire", "path", True),),
    ),
)
BY_NAME = {command.name: command for command in COMMANDS}


def execute(parts, command: Command, values: dict, out: IO = sys.stdout) -> int:
    """Run `command`; return the exit status (0 done, 1 refused, with the reason on stderr)."""
    try:
        db.init(parts.core.database).close()  # a new machine's first command creates it
        return command.run(parts, values, out) or 0
    except (ActionError, AccountError, lettre_commands.LetterCommandError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as error:  # a damaged or foreign file: say which, no traceback
        print(
            f"Erreur : base de données illisible ({error}) : {parts.core.database}",
            file=sys.stderr,
        )
        return 1
