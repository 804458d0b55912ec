"""Moderation and personal-data commands: `python -m comment_service <commande> …`.

The same actions as the moderation pages (each republishes the article's pages when what
readers see changes), plus moderator accounts and RGPD export/erase/purge. Settings come from
the COMMENTS_* environment variables (config.py). Messages are in French, for the Caf's staff.
"""

import argparse
import getpass
import json
import sys
from pathlib import Path

from . import db, moderation, rgpd
from .auth import AccountError, create_moderator
from .config import Config

# The identity written in moderated_by for actions taken from the command line.
CLI_MODERATOR = "ligne-de-commande"
STATUS_COMMANDS = {
    "approve": ("approved", "approuvé (publié)"),
    "reject": ("rejected", "rejeté"),
    "spam": ("spam", "classé indésirable"),
}
LIST_STATUSES = {
    "pending": "en attente",
    "approved": "publiés",
    "rejected": "rejetés",
    "spam": "indésirables",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m comment_service", description="Modération des commentaires."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="commande")
    for name, (_, done) in STATUS_COMMANDS.items():
        sub = commands.add_parser(name, help=f"marquer des commentaires comme {done}")
        sub.add_argument("ids", type=int, nargs="+", metavar="numéro")
    sub = commands.add_parser("delete", help="supprimer définitivement (réponses comprises)")
    sub.add_argument("ids", type=int, nargs="+", metavar="numéro")
    sub = commands.add_parser("edit", help="remplacer le texte d’un commentaire")
    sub.add_argument("id", type=int, metavar="numéro")
    sub.add_argument("--texte", help="le nouveau texte (sinon lu sur l’entrée standard)")
    sub = commands.add_parser("reply", help="publier une réponse officielle de la Caf")
    sub.add_argument("id", type=int, metavar="numéro")
    sub.add_argument("--texte", help="le texte de la réponse (sinon lu sur l’entrée standard)")
    sub = commands.add_parser("list", help="lister les commentaires d’une file")
    sub.add_argument("--statut", choices=list(LIST_STATUSES), default="pending")
    sub.add_argument("--max", type=int, default=50)
    sub = commands.add_parser("create-moderator", help="créer un compte de modération")
    sub.add_argument("username", metavar="identifiant")
    sub.add_argument("--nom", default="", help="nom affiché")
    sub.add_argument("--email", default="")
    sub.add_argument(
        "--mot-de-passe-stdin",
        action="store_true",
        help="lire le mot de passe sur l’entrée standard (scripts) au lieu de le demander",
    )
    sub = commands.add_parser("export", help="exporter (JSON) les données d’une adresse e-mail")
    sub.add_argument("email")
    sub.add_argument("--sortie", type=Path, help="fichier à écrire (sinon la sortie standard)")
    sub = commands.add_parser("erase", help="effacer toutes les données d’une adresse e-mail")
    sub.add_argument("email")
    sub.add_argument("--oui", action="store_true", help="ne pas demander de confirmation")
    commands.add_parser("purge-ips", help="oublier les empreintes d’IP au-delà de la durée fixée")
    parser.command_names = frozenset(commands.choices)
    return parser


COMMANDS = _parser().command_names


def _text(args) -> str:
    return args.texte if args.texte is not None else sys.stdin.read()


def run(config: Config, argv: list[str], out=sys.stdout) -> int:
    """Run one command; return the exit status (0 done, 1 refused)."""
    args = _parser().parse_args(argv)
    conn = db.init(config.database)
    try:
        return _dispatch(config, conn, args, out)
    except (moderation.ActionError, AccountError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    finally:
        conn.close()


def _dispatch(config, conn, args, out) -> int:
    command = args.command
    if command in STATUS_COMMANDS:
        status, done = STATUS_COMMANDS[command]
        for comment_id in args.ids:
            moderation.set_status(config, conn, comment_id, status, CLI_MODERATOR)
            print(f"Commentaire n° {comment_id} {done}.", file=out)
    elif command == "delete":
        for comment_id in args.ids:
            moderation.delete(config, conn, comment_id)
            print(f"Commentaire n° {comment_id} supprimé.", file=out)
    elif command == "edit":
        moderation.edit(config, conn, args.id, _text(args), CLI_MODERATOR)
        print(f"Commentaire n° {args.id} modifié.", file=out)
    elif command == "reply":
        new_id = moderation.reply(config, conn, args.id, _text(args), CLI_MODERATOR)
        print(f"Réponse n° {new_id} publiée sous le commentaire n° {args.id}.", file=out)
    elif command == "list":
        rows = moderation.list_comments(
            conn, args.statut, newest_first=args.statut != "pending", limit=args.max
        )
        print(f"{len(rows)} commentaire(s) {LIST_STATUSES[args.statut]} :", file=out)
        for row in rows:
            excerpt = " ".join(row["body"].split())[:80]
            print(
                f"  n° {row['id']}  {row['created_at']}  {row['article_slug']}  "
                f"{row['author_name']} <{row['author_email']}>  {excerpt}",
                file=out,
            )
    elif command == "create-moderator":
        password = _new_password(args.mot_de_passe_stdin)
        create_moderator(conn, args.username, password, args.nom, args.email)
        print(f"Compte de modération « {args.username} » créé.", file=out)
    elif command == "export":
        data = json.dumps(rgpd.export(conn, args.email), ensure_ascii=False, indent=2)
        if args.sortie:
            args.sortie.write_text(data + "\n", encoding="utf-8")
            print(f"Export écrit dans {args.sortie}.", file=out)
        else:
            print(data, file=out)
    elif command == "erase":
        if not args.oui and input(f"Effacer toutes les données de {args.email} ? [o/N] ") != "o":
            print("Rien n’a été effacé.", file=out)
            return 1
        removed = rgpd.erase(config, conn, args.email)
        print(f"{removed} commentaire(s) effacé(s) pour {args.email}.", file=out)
    elif command == "purge-ips":
        count = rgpd.purge_ips(conn, config.ip_retention_days)
        print(
            f"Empreinte d’IP oubliée pour {count} commentaire(s) de plus de "
            f"{config.ip_retention_days} jours.",
            file=out,
        )
    return 0


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Mot de passe (12 caractères au moins) : ")
    if getpass.getpass("Le même, pour confirmer : ") != password:
        raise AccountError("Les deux mots de passe saisis diffèrent.")
    return password


def main(argv: list[str] | None = None) -> None:
    sys.exit(run(Config.from_env(), sys.argv[1:] if argv is None else argv))
