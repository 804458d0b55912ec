"""Invoke tasks for moderation and personal data, wired as the `comments` namespace:
`invoke comments.approve 12`, `invoke comments.list --statut spam`, … They run the same code
as `python -m comment_service <commande>` (cli.py).
"""

from invoke import Collection, Exit, task

from . import cli
from .config import Config


def _run(*argv) -> None:
    status = cli.run(Config.from_env(), [str(arg) for arg in argv if arg is not None])
    if status:
        raise Exit(code=status)


def _ids(ids: str) -> list[str]:
    return ids.replace(",", " ").split()


@task(help={"ids": "numéro(s) de commentaire, séparés par des virgules"})
def approve(c, ids):
    """Approuver (publier) des commentaires."""
    _run("approve", *_ids(ids))


@task(help={"ids": "numéro(s) de commentaire, séparés par des virgules"})
def reject(c, ids):
    """Rejeter des commentaires."""
    _run("reject", *_ids(ids))


@task(help={"ids": "numéro(s) de commentaire, séparés par des virgules"})
def spam(c, ids):
    """Classer des commentaires comme indésirables."""
    _run("spam", *_ids(ids))


@task(help={"ids": "numéro(s) de commentaire, séparés par des virgules"})
def delete(c, ids):
    """Supprimer définitivement des commentaires (et leurs réponses)."""
    _run("delete", *_ids(ids))


@task(name="list", help={"statut": "pending, approved, rejected ou spam", "max": "nombre maximal"})
def list_(c, statut="pending", max=50):
    """Lister les commentaires d’une file."""
    _run("list", "--statut", statut, "--max", max)


@task(name="create-moderator", help={"username": "identifiant", "nom": "nom affiché"})
def create_moderator(c, username, nom="", email=""):
    """Créer un compte de modération (le mot de passe est demandé)."""
    _run("create-moderator", username, "--nom", nom, "--email", email)


@task(help={"email": "adresse e-mail", "sortie": "fichier JSON à écrire"})
def export(c, email, sortie=None):
    """Exporter (JSON) les données liées à une adresse e-mail."""
    _run("export", email, *(["--sortie", sortie] if sortie else []))


@task(help={"email": "adresse e-mail", "oui": "ne pas demander de confirmation"})
def erase(c, email, oui=False):
    """Effacer toutes les données liées à une adresse e-mail."""
    _run("erase", email, *(["--oui"] if oui else []))


@task(name="purge-ips")
def purge_ips(c):
    """Oublier les empreintes d’IP plus anciennes que la durée de conservation."""
    _run("purge-ips")


namespace = Collection(
    approve, reject, spam, delete, list_, create_moderator, export, erase, purge_ips
)
