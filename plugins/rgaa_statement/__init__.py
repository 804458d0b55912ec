"""The accessibility statement generated from the RGAA audit (audit/rgaa/, RGAA_AUDIT).

On every build the audit's grid is scored (grid.py) and two settings reach the templates: the
public site's state, `RGAA_ETAT`, which the footer shows (« Accessibilité : totalement
conforme »), and `RGAA_DECLARATION`, the statement's generated sections (statement.py), which
theme/templates/accessibilite.html puts in place of the marker in the page's Markdown. So the
statement and the footer say what the grid says, never what someone last typed; the page's
human parts (commitment, contact, voies de recours) stay in content/pages/accessibilite.md.

Settings, not content: they reach every page. The settings are read before this plugin runs,
so the incremental build (site_core.build) keys its caches on the audit's files themselves
(BUILD_DATA_SETTINGS names RGAA_AUDIT in pelicanconf.py).
A build without the audit folder says « non conforme », as the law asks of an unaudited site.
"""

import logging
from pathlib import Path

from pelican import signals

from .grid import Audit
from .statement import render

log = logging.getLogger(__name__)
UNAUDITED = (
    "<h2>État de conformité</h2><p>Le site des partenaires de la Caf de l’Essonne est "
    "<strong>non conforme</strong> avec le référentiel général d’amélioration de "
    "l’accessibilité (RGAA)\u00a0: aucun audit n’est joint à cette version du site.</p>"
)


def statement(pelican) -> None:
    """initialized: score the audit and hand the state and the statement to the templates."""
    settings = pelican.settings
    folder = Path(settings.get("RGAA_AUDIT") or "")
    if not (folder / "grille.csv").is_file():
        log.warning("no RGAA audit in %r: the statement says « non conforme »", str(folder))
        settings["RGAA_ETAT"], settings["RGAA_DECLARATION"] = "non conforme", UNAUDITED
        return
    audit = Audit.read(folder)
    settings["RGAA_ETAT"] = audit.score("public").state
    settings["RGAA_DECLARATION"] = render(audit)


def register():
    signals.initialized.connect(statement)
