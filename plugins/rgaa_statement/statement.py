"""The generated part of the accessibility statement, in the order of the DINUM's model
statement: état de conformité, résultats des tests, contenus non accessibles (non-conformités,
dérogations, contenus non soumis), établissement de la déclaration (technologies, environnement
de test, outils, pages vérifiées). The page's human parts (commitment, contact, voies de
recours) stay in content/pages/accessibilite.md.

Typeset here (site_core.typography, as the french_typography plugin does content): this text
reaches the page through the template. Every value from the audit's files is escaped.
"""

from datetime import date
from html import escape

from babel.dates import format_date

from site_core.typography import typeset_html

from .grid import SAMPLES, Audit, Score

NBSP, NNBSP = "\u00a0", "\u202f"


def percent(rate: float) -> str:
    """« 96,3 % » (one decimal, dropped when nought)."""
    text = f"{rate:.1f}".removesuffix(".0").replace(".", ",")
    return f"{text}{NBSP}%"


def long_date(iso: str) -> str:
    return format_date(date.fromisoformat(iso), "d MMMM y", locale="fr_FR")


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _state(audit: Audit, score: Score) -> str:
    where = "Le site des partenaires de la Caf de l’Essonne"
    if score.sample == "equipe":
        where = "L’espace de l’équipe (rédaction, publication, modération)"
    text = (
        f"<p>{where} est <strong>{score.state}</strong> avec le référentiel général "
        f"d’amélioration de l’accessibilité ({escape(audit.facts['referentiel'])}).</p>"
    )
    if score.pending:
        names = ", ".join(escape(page["intitule"]) for page in score.pending)
        text += (
            f"<p>Pages pas encore auditées, en cours de refonte{NBSP}: {names}. "
            "Elles seront auditées dès leur mise en service.</p>"
        )
    return text


def _results(audit: Audit, score: Score) -> str:
    c, nc, na = score.count("C"), score.count("NC"), score.count("NA")
    return (
        f"<p>Pour {escape(SAMPLES[score.sample])}, l’audit révèle que "
        f"<strong>{percent(score.rate)} des critères</strong> du RGAA applicables sont "
        f"respectés{NBSP}: {c}{NBSP}critères conformes, {nc}{NBSP}non conformes, "
        f"{na}{NBSP}non applicables, sur {len(score.pages)}{NBSP}pages.</p>"
    )


def _gaps(audit: Audit) -> str:
    found = [gap for gap in audit.gaps if not gap["derogation"]]
    waived = [gap for gap in audit.gaps if gap["derogation"]]
    titles = {page["page"]: page["intitule"] for page in audit.sample}

    def item(gap, reason: str) -> str:
        pages = ", ".join(escape(titles[name]) for name in gap["pages"].split())
        return (
            f"critère {escape(gap['critere'])} ({escape(audit.title(gap['critere']))}){NBSP}: "
            f"{escape(gap[reason])} <em>Pages{NBSP}: {pages}.</em> "
            f"Alternative{NBSP}: {escape(gap['alternative'])}"
        )

    html = "<h3>Non-conformités</h3>"
    html += _list(item(gap, "constat") for gap in found) if found else "<p>Aucune.</p>"
    html += "<h3>Dérogations pour charge disproportionnée</h3>"
    html += _list(item(gap, "derogation") for gap in waived) if waived else "<p>Aucune.</p>"
    html += "<h3>Contenus non soumis à l’obligation d’accessibilité</h3><p>Aucun.</p>"
    return html


def _pages(audit: Audit) -> str:
    """The audited pages with their addresses, as text: some are examples (a lettre, a 404,
    a reader's signed link) that a given build does not have."""
    items = []
    for score in (audit.score(sample) for sample in SAMPLES):
        for page in score.pages:
            address = escape(page["adresse"].split("?")[0])
            items.append(f"{escape(page['intitule'])} (<code>{address}</code>)")
    return _list(items)


def render(audit: Audit) -> str:
    """The statement's generated sections, as HTML (h2 and h3, under the page's h1)."""
    scores = [audit.score(sample) for sample in SAMPLES]
    counts = audit.checked_by()
    facts = audit.facts
    return typeset_html(
        "".join(
            [
                "<h2>État de conformité</h2>",
                *(_state(audit, score) for score in scores),
                "<h2>Résultats des tests</h2>",
                *(_results(audit, score) for score in scores),
                f"<p>Sur les {len(audit.criteria)}{NBSP}critères, {counts['test']} sont vérifiés "
                f"par des tests automatiques à chaque modification du site, "
                f"{counts['manuel']} à la main.</p>",
                "<h2>Contenus non accessibles</h2>",
                _gaps(audit),
                "<h2>Établissement de cette déclaration</h2>",
                f"<p>Cette déclaration a été établie le {long_date(facts['date'])}, "
                f"d’après un audit réalisé par {escape(facts['auditeur'])}.</p>",
                "<h3>Technologies utilisées pour la réalisation du site</h3>",
                _list(escape(item) for item in facts["technologies"]),
                "<h3>Environnement de test</h3>",
                _list(escape(item) for item in facts["environnement"]),
                f"<p>Technologies d’assistance{NBSP}: {escape(facts['assistance'])}.</p>",
                "<h3>Outils pour évaluer l’accessibilité</h3>",
                _list(escape(item) for item in facts["outils"]),
                "<h3>Pages du site ayant fait l’objet de la vérification de conformité</h3>",
                _pages(audit),
            ]
        )
    )
