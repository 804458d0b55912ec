"""Tasks for the communications team. `invoke --list` shows them all.

Writing: `invoke new-article "Titre"`, then `invoke livereload` to see it while typing.
Publishing: `invoke publish` (settings in publishconf.py, target in PUBLISH_TARGET).
"""

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from invoke import Collection, Exit, task
from pelican import Pelican
from pelican.settings import read_settings
from pelican.utils import slugify

from service import commands
from service import tasks as comment_tasks
from service.app import assemble
from service.core import db
from service.room.publishing.building import BuildFailed, BuildPlaces
from service.room.publishing.pipeline import STAGES, Pipeline
from service.settings import load
from service.team.accounts import ensure_first_account
from site_core.build import build as fast_build
from site_core.build.state import FILE_NAME as BUILD_STATE
from site_core.paths import LOGIN_PATH, MODERATION_PATH, TEAM_PATH

ROOT = Path(__file__).resolve().parent
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8000"))
OUTPUT = ROOT / "output"


def _settings(config="pelicanconf.py", **override):
    return read_settings(str(ROOT / config), override={"OUTPUT_PATH": str(OUTPUT), **override})


def _build(config="pelicanconf.py", incremental=False, **override):
    """Build the site (incremental: only what changed since the last build into output/); a
    content error stops with its French message and a non-zero exit."""
    os.chdir(ROOT)
    try:
        if incremental:
            _report(None, fast_build(_settings(config, **override)))
        else:
            Pelican(_settings(config, **override)).run()
    except Exception as error:
        raise Exit(f"\n{error}", code=1) from None


def _report(error, report, seconds=0.0):
    """One line per incremental build, in French, for the people writing."""
    if error is not None:
        print(f"\n{error}\nCorrigez le fichier et enregistrez : le site sera reconstruit.")
        return
    duration = f"{seconds or report.seconds:.2f}".replace(".", ",")
    print(
        f"Site reconstruit en {duration}\N{NO-BREAK SPACE}s : {report.read} article(s) relu(s), "
        f"{report.rendered} page(s) sur {report.pages} réécrite(s), "
        f"{len(report.deleted)} fichier(s) supprimé(s).",
        flush=True,
    )


def _serve_with_comments():
    """Serve the built site and the comment service together, as readers will see them."""
    from service.__main__ import main as serve_comments

    # The writing room publishes with publishconf.py: links must point at this local server.
    os.environ.setdefault("SERVICE_SITE_URL", f"http://{HOST}:{PORT}")
    print(f"Site et commentaires : http://{HOST}:{PORT}/  (Ctrl+C pour arrêter)")
    serve_comments(["--host", HOST, "--port", str(PORT)])


@task
def clean(c):
    """Supprime le site construit (dossier output/) et ce que gardent les reconstructions."""
    shutil.rmtree(OUTPUT, ignore_errors=True)
    # The incremental build's state only: the encoded images (cache/images) stay, keyed by
    # content, so a rebuild from scratch does not draw every share card again (70 ms each).
    (ROOT / "cache" / BUILD_STATE).unlink(missing_ok=True)


@task
def build(c):
    """Construit le site dans output/ : seulement ce qui a changé depuis la dernière fois."""
    _build(incremental=True)


@task(pre=[clean])
def rebuild(c):
    """Reconstruit le site de zéro."""
    _build(incremental=True)


@task
def regenerate(c):
    """Reconstruit le site à chaque modification d’un fichier (sans serveur)."""
    os.chdir(ROOT)
    subprocess.run([sys.executable, "-m", "pelican", "-r", "-s", "pelicanconf.py"], check=False)


@task
def serve(c):
    """Sert le site déjà construit et le service de commentaires sur http://127.0.0.1:8000."""
    _serve_with_comments()


def _ensure_local_moderator():
    """On a machine with no moderation account yet, create one so moderation can be tried."""
    conn = db.init(load().core.database)
    try:
        password = ensure_first_account(conn, "Équipe communication")
    finally:
        conn.close()
    if password:
        print(
            "Compte de l’équipe créé pour cette machine (administrateur, tous les rôles) : "
            f"identifiant « moderation », mot de passe « {password} » (connexion : {LOGIN_PATH}, "
            f"espace rédaction : {TEAM_PATH}, modération : {MODERATION_PATH})."
        )


@task
def run(c):
    """Construit le site puis le sert avec les commentaires sur http://127.0.0.1:8000."""
    _build(incremental=True)
    _ensure_local_moderator()
    _serve_with_comments()


@task
def livereload(c):
    """Aperçu en direct : le navigateur se recharge à chaque enregistrement d’un fichier."""
    from site_core.build.preview import serve

    os.chdir(ROOT)
    watched = [ROOT / name for name in ("content", "theme", "plugins", "site_core")]
    print(f"Aperçu en direct : http://{HOST}:{PORT}/")
    serve(_settings, [*watched, ROOT / "pelicanconf.py"], HOST, PORT, _report)


@task
def preview(c):
    """Construit avec les réglages de production (publishconf.py) et le sert localement."""
    _build("publishconf.py", SITEURL=f"http://{HOST}:{PORT}")
    _serve_with_comments()


@task(help={"target": "dossier local ou destination rsync (sinon la variable PUBLISH_TARGET)"})
def publish(c, target=""):
    """Publie le dossier content/ tel qu’il est (réglages publishconf.py) vers la cible."""
    target = target or os.environ.get("PUBLISH_TARGET", "")
    if not target:
        raise Exit(
            "Aucune cible de publication : indiquez --target DOSSIER (ou serveur:chemin) "
            "ou définissez la variable d’environnement PUBLISH_TARGET.",
            code=2,
        )
    # The room's pipeline (service/room/publishing/pipeline.py): build into the standby tree
    # beside the public folder, check, swap, then copy (rsync to a server) and announce.
    # One database for the build's comments, the site lock and the announce: the service's
    # (SERVICE_DATABASE, relative to the project), so an approval waits for the build.
    remote = ":" in target
    if not remote:
        target = str(Path(target).absolute())  # as typed, from where the command was run
    os.chdir(ROOT)
    settings = _settings("publishconf.py")
    places = BuildPlaces(
        ROOT / "publishconf.py",
        ROOT / settings["PATH"],
        load().core.database.absolute(),
        ROOT / settings["CACHE_PATH"] / "publication",
    )
    pipeline = Pipeline(places, OUTPUT if remote else Path(target), 1800)

    def say(stage: str) -> None:
        print(f"… {STAGES[stage]}", flush=True)

    def copy(stage) -> str:
        c.run(f"rsync -rz --delete {OUTPUT}/ {target}", echo=True)
        return ""

    try:
        outcome = pipeline.run(
            say, copy=[copy] if remote else [], announce=lambda: _announce(target)
        )
    except BuildFailed as failure:
        raise Exit(
            "\n".join(["La publication a échoué ; le site n’a pas changé :", *failure.errors]),
            code=1,
        ) from None
    finally:
        pipeline.stop()
    seconds = f"{outcome.seconds:.1f}".replace(".", ",")
    print(f"Site publié vers {target} en {seconds}\N{NO-BREAK SPACE}s")
    if outcome.problems:
        raise Exit("Mais " + " ; ".join(outcome.problems) + ".", code=1)


def _announce(target: str):
    """Tell the lettre's subscribers about the new articles (`python -m service announce`)
    when the site went to a local folder, the one the service serves (SERVICE_SITE_DIR); a
    server's own service notices the new build by itself."""
    if ":" in target:
        print("Les abonnés à la lettre seront prévenus par le service de commentaires du serveur.")
        return
    settings = load()
    settings = replace(settings, core=replace(settings.core, site_dir=Path(target).absolute()))
    status = commands.execute(
        assemble(settings), commands.BY_NAME["announce"], {"sans_envoi": False}
    )
    if status:
        raise Exit(code=status)


ARTICLE_TEMPLATE = """\
Title: {title}
Date: {date}
Category: {category}
Tags: mot-clé 1, mot-clé 2
Slug: {slug}
Authors: Prénom Nom
Roles: fonction de la personne interviewée
Portraits:
Summary: Le chapô : une ou deux phrases qui donnent envie de lire l’entretien.
Status: draft

Introduction de l’entretien.

<!-- Illustration (photo dans content/images/) : retirez ces marques et complétez.
![Ce que montre la photo, pour qui ne la voit pas](/images/nom.jpg "Légende © Auteur")
-->

## Première question ?

**Prénom Nom :** « Réponse… »

## Deuxième question ?

**Prénom Nom :** « Réponse… »
"""


@task(help={"title": "titre de l’article"})
def new_article(c, title):
    """Crée un article daté (brouillon) avec tous ses champs à remplir."""
    settings = _settings()
    slug = slugify(title, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
    path = ROOT / "content" / "articles" / f"{slug}.md"
    if path.exists():
        raise Exit(f"Un article existe déjà à cet emplacement : {path.relative_to(ROOT)}", code=2)
    path.write_text(
        ARTICLE_TEMPLATE.format(
            title=title,
            date=datetime.now().strftime("%Y-%m-%d %H:%M"),
            category=settings["ALLOWED_CATEGORIES"][0],
            slug=slug,
        ),
        encoding="utf-8",
    )
    print(
        f"Article créé : {path.relative_to(ROOT)}\n"
        f"Thèmes possibles : {', '.join(settings['ALLOWED_CATEGORIES'])}.\n"
        "Portrait d’un intervenant : « Portraits: /images/prenom-nom.jpg » (un par intervenant,\n"
        "dans l’ordre de « Authors », séparés par « ; »), ou laissez le champ vide.\n"
        "Passez « Status: draft » à « Status: published » pour le publier."
    )


namespace = Collection(
    clean, build, rebuild, regenerate, serve, run, livereload, preview, publish, new_article
)
namespace.add_collection(comment_tasks.namespace, "comments")
