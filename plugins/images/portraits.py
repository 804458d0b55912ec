"""Speakers' portraits: the `Portraits` field, one image per speaker in the order of `Authors`.

    Portraits: /images/guillaume-lacroix.jpg 50% 30% ; /images/autre-personne.jpg

Each entry is a path, optionally followed by the point to keep in the middle of the square crop
(the face), in per cent of the width then of the height; the centre by default. An empty entry
leaves that speaker without a portrait.
"""

import re
from typing import NamedTuple

ENTRY = re.compile(
    r"^(?P<path>\S+)(?:\s+(?P<x>\d{1,3}(?:[.,]\d+)?)\s*%\s+(?P<y>\d{1,3}(?:[.,]\d+)?)\s*%)?$"
)
EXAMPLE = "/images/prenom-nom.jpg 50% 30%"


class PortraitEntry(NamedTuple):
    src: str
    focus: tuple[float, float]


def _percent(text: str) -> float:
    return float(text.replace(",", ".")) / 100


def parse(value: str, speakers: int) -> tuple[list[PortraitEntry | None], list[str]]:
    """(one entry or None per speaker, French problems with the field)."""
    items = [item.strip() for item in value.split(";")]
    problems = []
    if len(items) != speakers:
        problems.append(
            f"champ « Portraits » : {len(items)} portrait(s) pour {speakers} intervenant(s) "
            "dans « Authors » (un par intervenant, dans le même ordre, séparés par des "
            "points-virgules ; laissez vide la place d’un intervenant sans portrait)"
        )
    entries: list[PortraitEntry | None] = []
    for item in items:
        match = ENTRY.match(item)
        if not item:
            entries.append(None)
        elif not match or (match["x"] and max(_percent(match["x"]), _percent(match["y"])) > 1):
            problems.append(
                f"champ « Portraits » : « {item} » n’est pas compris (écrivez le chemin de "
                "l’image puis, si besoin, la position du visage en pourcentages de la largeur "
                f"et de la hauteur, par exemple {EXAMPLE})"
            )
            entries.append(None)
        else:
            focus = (_percent(match["x"]), _percent(match["y"])) if match["x"] else (0.5, 0.5)
            entries.append(PortraitEntry(match["path"], focus))
    entries += [None] * (speakers - len(entries))
    return entries[:speakers], problems
