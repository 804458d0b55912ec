"""The accessibility statement and the footer generated from the RGAA audit
(plugins/rgaa_statement): the RGAA's formula, its thresholds, and real builds of the site with
the repository's audit, with a changed one and with none."""

import csv
import re
import shutil

import pytest
from bs4 import BeautifulSoup

from plugins.rgaa_statement.grid import Audit
from site_core.build import build
from site_core.typography import typeset_text
from tests.support.audit import AUDIT
from tests.support.site import build_site, site_settings

HEADER = ["critere", "page", "statut", "verification", "preuve", "date"]


def audit_copy(tmp_path, statuses: dict[tuple[str, str], str]):
    """The repository's audit with some rows' status changed ({(criterion, page): status})."""
    folder = tmp_path / "audit"
    shutil.copytree(AUDIT, folder, ignore=shutil.ignore_patterns("preuves"), dirs_exist_ok=True)
    rows = list(csv.DictReader((folder / "grille.csv").open(encoding="utf-8")))
    for row in rows:
        row["statut"] = statuses.get((row["critere"], row["page"]), row["statut"])
    with (folder / "grille.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return folder


def every(audit: Audit, sample: str, status: str) -> dict[tuple[str, str], str]:
    pages = [p["page"] for p in audit.sample if p["echantillon"] == sample and not p["en_attente"]]
    return {(c["critere"], page): status for c in audit.criteria for page in pages}


def test_a_criterion_fails_if_it_fails_on_one_page_and_na_counts_for_nothing(tmp_path):
    audit = Audit.read(AUDIT)
    statuses = every(audit, "public", "NA")
    statuses |= {("1.1", "accueil"): "C", ("1.1", "archives"): "NC", ("3.2", "archives"): "C"}
    statuses |= {("8.1", page): "C" for _criterion, page in statuses}
    score = Audit.read(audit_copy(tmp_path, statuses)).score("public")
    assert score.verdicts["1.1"] == "NC" and score.verdicts["3.2"] == "C"
    assert (score.count("C"), score.count("NC"), score.count("NA")) == (2, 1, 103)
    assert round(score.rate, 2) == 66.67
    assert score.state == "partiellement conforme"


@pytest.mark.parametrize(
    ("conformant", "failing", "state"),
    [
        (4, 0, "totalement conforme"),
        (2, 2, "partiellement conforme"),  # 50 %: partially
        (1, 2, "non conforme"),  # 33 %
    ],
)
def test_state_follows_the_official_thresholds(tmp_path, conformant, failing, state):
    audit = Audit.read(AUDIT)
    criteria = [c["critere"] for c in audit.criteria]
    statuses = every(audit, "public", "NA")
    statuses |= {(n, "accueil"): "C" for n in criteria[:conformant]}
    statuses |= {(n, "accueil"): "NC" for n in criteria[conformant : conformant + failing]}
    assert Audit.read(audit_copy(tmp_path, statuses)).score("public").state == state


def test_pages_not_yet_audited_count_for_nothing_and_are_named(tmp_path):
    """A page waiting for an issue (its rows NT) is named and left out of the rate, even with
    a row that would fail."""
    shutil.copytree(AUDIT, tmp_path / "rgaa", ignore=shutil.ignore_patterns("preuves"))
    sample = tmp_path / "rgaa" / "echantillon.csv"
    lines = sample.read_text(encoding="utf-8").splitlines(keepends=True)
    sample.write_text(
        "".join(line.replace(",\n", ",issue 99\n") if line.startswith("editeur,") else line
                for line in lines),
        encoding="utf-8",
    )  # fmt: skip
    grid = tmp_path / "rgaa" / "grille.csv"
    rows = grid.read_text(encoding="utf-8").splitlines(keepends=True)
    grid.write_text(
        "".join(re.sub(r"^([\d.]+,editeur,)(C|NA)", r"\1NT", row) for row in rows),
        encoding="utf-8",
    )
    score = Audit.read(tmp_path / "rgaa").score("equipe")
    assert {p["page"] for p in score.pending} == {"editeur"}
    assert "editeur" not in {p["page"] for p in score.pages}
    assert "apercu" in {p["page"] for p in score.pages}


def statement_of(output) -> tuple[str, str]:
    """The built statement's text and the footer's accessibility link."""
    page = BeautifulSoup(
        (output / "accessibilite/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    footer = page.find("footer").find("a", href="/accessibilite/").get_text()
    return page.find("article").get_text(" ", strip=True), footer


def test_the_build_states_what_the_grid_scores(built_site):
    audit = Audit.read(AUDIT)
    public, team = audit.score("public"), audit.score("equipe")
    text, footer = statement_of(built_site)
    assert footer == f"Accessibilité\u00a0: {public.state}"
    assert f"Le site des partenaires de la Caf de l’Essonne est {public.state}" in text
    assert f"L’espace de l’équipe (rédaction, publication, modération) est {team.state}" in text
    rate = f"{team.rate:.1f}".replace(".", ",")
    assert f"{rate}\u00a0% des critères" in text
    # The official order, the page's own parts kept around the generated ones.
    titles = [
        "État de conformité", "Résultats des tests", "Contenus non accessibles",
        "Non-conformités", "Dérogations pour charge disproportionnée",
        "Établissement de cette déclaration", "Environnement de test",
        "Pages du site ayant fait l’objet de la vérification de conformité",
        "Retour d’information et contact", "Voies de recours",
    ]  # fmt: skip
    assert [text.index(title) for title in titles] == sorted(text.index(t) for t in titles)
    for gap in audit.gaps:
        assert typeset_text(gap["alternative"]) in text
    assert "8 décembre 2026" in text


def test_a_failing_public_row_makes_the_whole_site_say_so(tmp_path):
    folder = audit_copy(tmp_path, {("3.2", "archives"): "NC"})
    output = build_site(tmp_path / "output", RGAA_AUDIT=str(folder))
    text, footer = statement_of(output)
    assert footer == "Accessibilité\u00a0: partiellement conforme"
    assert "Le site des partenaires de la Caf de l’Essonne est partiellement conforme" in text
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "Accessibilité\u00a0: partiellement conforme" in home


def test_without_an_audit_the_site_says_non_conforme(tmp_path):
    output = build_site(tmp_path / "output", RGAA_AUDIT=str(tmp_path / "nothing"))
    text, footer = statement_of(output)
    assert footer == "Accessibilité\u00a0: non conforme"
    assert "est non conforme" in text and "Voies de recours" in text


def test_an_incremental_build_follows_a_changed_grid(tmp_path):
    """`invoke build` and the live preview keep unchanged pages: a grid changed since the last
    build still changes the statement and every footer."""
    folder = audit_copy(tmp_path, {})
    settings = site_settings(tmp_path / "output", RGAA_AUDIT=str(folder))
    build(settings)
    assert statement_of(tmp_path / "output")[1] == "Accessibilité\u00a0: totalement conforme"
    audit_copy(tmp_path, {("3.2", "archives"): "NC"})  # the same folder, rewritten
    build(settings)
    text, footer = statement_of(tmp_path / "output")
    assert footer == "Accessibilité\u00a0: partiellement conforme"
    assert "Accessibilité\u00a0: partiellement conforme" in (
        tmp_path / "output" / "archives" / "index.html"
    ).read_text(encoding="utf-8")
