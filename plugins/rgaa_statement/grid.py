"""The RGAA audit read from its folder (audit/rgaa/: the criteria, the sample, the grid, the
gaps, the audit's facts) and scored by the RGAA's formula, one score per sample.

The formula (RGAA 4.1.2, « méthode de calcul du taux de conformité »): over a sample, a
criterion is conformant (C) if it is on every page where it applies, non-conformant (NC) if it
fails on one page, not applicable (NA) if it applies nowhere; the rate is C / (C + NC). Pages
not yet audited (status NT, kept for pages another issue is rebuilding) count for nothing and
are named as such.
"""

import csv
import tomllib
from dataclasses import dataclass
from pathlib import Path

STATUSES = {"C", "NC", "NA"}
PENDING = "NT"
SAMPLES = {"public": "le site public", "equipe": "l’espace de l’équipe"}


def node_ids(row: dict) -> list[str]:
    """The pytest node ids a grid row names: « test: <ids> », optionally followed by
    « + manuel: <what a person checks beside> »."""
    if not row["verification"].startswith("test: "):
        return []
    return row["verification"].removeprefix("test: ").split(" + manuel: ")[0].split()


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@dataclass(frozen=True)
class Score:
    """One sample's result."""

    sample: str  # "public" or "equipe"
    pages: list[dict]  # the audited pages (echantillon.csv rows)
    pending: list[dict]  # the pages left for later (status NT)
    verdicts: dict[str, str]  # criterion → C, NC or NA over the sample

    def count(self, status: str) -> int:
        return sum(1 for verdict in self.verdicts.values() if verdict == status)

    @property
    def rate(self) -> float:
        """Percentage of the applicable criteria met (100 when none applies)."""
        c, nc = self.count("C"), self.count("NC")
        return 100.0 * c / (c + nc) if c + nc else 100.0

    @property
    def state(self) -> str:
        """The official wording: 100 % totally, 50 % or more partially, else not."""
        if self.rate == 100:
            return "totalement conforme"
        return "partiellement conforme" if self.rate >= 50 else "non conforme"


@dataclass(frozen=True)
class Audit:
    criteria: list[dict]  # criteres.csv: critere, theme, thematique, intitule, tests
    sample: list[dict]  # echantillon.csv: page, echantillon, intitule, adresse, en_attente
    grid: list[dict]  # grille.csv: critere, page, statut, verification, preuve, date
    gaps: list[dict]  # ecarts.csv: critere, pages, constat, alternative, derogation
    facts: dict  # audit.toml: date, auditeur, outils, environnement, technologies

    @classmethod
    def read(cls, folder: Path) -> "Audit":
        return cls(
            _rows(folder / "criteres.csv"),
            _rows(folder / "echantillon.csv"),
            _rows(folder / "grille.csv"),
            _rows(folder / "ecarts.csv"),
            tomllib.loads((folder / "audit.toml").read_text(encoding="utf-8")),
        )

    def title(self, criterion: str) -> str:
        return next(c["intitule"] for c in self.criteria if c["critere"] == criterion)

    def score(self, sample: str) -> Score:
        pages = [p for p in self.sample if p["echantillon"] == sample]
        names = {p["page"] for p in pages}
        rows = [row for row in self.grid if row["page"] in names]
        pending = {row["page"] for row in rows if row["statut"] == PENDING}
        verdicts = {}
        for criterion in self.criteria:
            found = {
                row["statut"]
                for row in rows
                if row["critere"] == criterion["critere"] and row["statut"] != PENDING
            }
            verdicts[criterion["critere"]] = (
                "NC" if "NC" in found else "C" if "C" in found else "NA"
            )
        return Score(
            sample,
            [p for p in pages if p["page"] not in pending],
            [p for p in pages if p["page"] in pending],
            verdicts,
        )

    def checked_by(self) -> dict[str, int]:
        """How many criteria a test checks on some page, and how many only a person does."""
        tested = {row["critere"] for row in self.grid if node_ids(row)}
        return {"test": len(tested), "manuel": len(self.criteria) - len(tested)}

    def gaps_of(self, sample: str) -> list[dict]:
        names = {p["page"] for p in self.sample if p["echantillon"] == sample}
        return [gap for gap in self.gaps if names & set(gap["pages"].split())]
