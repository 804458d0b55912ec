"""Synthetic corpus for the build benchmarks, made from the launch interviews.

Each generated article takes the metadata of one interview (authors, roles, summary) and a
shuffled, trimmed selection of its question blocks, sometimes with a block of another interview,
under a distinct title, slug and date, one of ten categories and three to five of fifty tags.
The pages and images of the real site are copied as they are.
"""

import random
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CATEGORIES = [
    "Vie de la Caf",
    "Partenariats et territoires",
    "Services aux allocataires",
    "Petite enfance et jeunesse",
    "Solidarité",
    "Logement",
    "Parentalité",
    "Insertion",
    "Handicap",
    "Numérique",
]
TAG_COUNT = 50
FIRST_DATE = datetime(2010, 1, 4, 9, 0)


@dataclass
class Interview:
    metadata: dict[str, str]
    intro: list[str]  # paragraphs before the first question
    blocks: list[list[str]]  # one question heading and its answer paragraphs each


def read_interview(path: Path) -> Interview:
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    metadata = dict(line.split(": ", 1) for line in header.splitlines())
    intro, blocks = [], []
    for paragraph in filter(None, (p.strip() for p in body.split("\n\n"))):
        if paragraph.startswith("#"):
            blocks.append([paragraph])
        elif blocks:
            blocks[-1].append(paragraph)
        else:
            intro.append(paragraph)
    return Interview(metadata, intro, blocks)


def read_interviews(folder: Path = ROOT / "content" / "articles") -> list[Interview]:
    interviews = [read_interview(path) for path in sorted(folder.glob("*.md"))]
    if not interviews:
        raise SystemExit(f"Aucun entretien dans {folder} : le corpus ne peut pas être généré.")
    return interviews


def tags(interviews: list[Interview]) -> list[str]:
    """The interviews' own tags, completed to TAG_COUNT."""
    names = sorted({t.strip() for i in interviews for t in i.metadata.get("Tags", "").split(",")})
    names = [name for name in names if name][:TAG_COUNT]
    return names + [f"Dossier {k:02d}" for k in range(1, TAG_COUNT - len(names) + 1)]


def article_text(index: int, interviews: list[Interview], tag_names: list[str]) -> tuple[str, str]:
    """(slug, Markdown source) of the `index`-th generated article."""
    rng = random.Random(index)
    base = interviews[index % len(interviews)]
    blocks = rng.sample(base.blocks, max(1, len(base.blocks) - rng.randint(0, 2)))
    if rng.random() < 0.3:
        blocks.append(rng.choice(rng.choice(interviews).blocks))
    slug = f"{base.metadata['Slug']}-{index + 1:05d}"
    metadata = {
        "Title": f"{base.metadata['Title']} (n° {index + 1})",
        "Date": (FIRST_DATE + timedelta(hours=17 * index)).strftime("%Y-%m-%d %H:%M"),
        "Category": CATEGORIES[index % len(CATEGORIES)],
        "Tags": ", ".join(rng.sample(tag_names, rng.randint(3, 5))),
        "Slug": slug,
        "Authors": base.metadata["Authors"],
        "Roles": base.metadata["Roles"],
        "Summary": base.metadata["Summary"],
    }
    header = "\n".join(f"{key}: {value}" for key, value in metadata.items())
    paragraphs = base.intro + [p for block in blocks for p in block]
    return slug, header + "\n\n" + "\n\n".join(paragraphs) + "\n"


def write_corpus(destination: Path, size: int) -> Path:
    """Write a `size`-article corpus (articles/, pages/, images/) into `destination`."""
    interviews = read_interviews()
    tag_names = tags(interviews)
    articles = destination / "articles"
    articles.mkdir(parents=True)
    for index in range(size):
        slug, text = article_text(index, interviews, tag_names)
        (articles / f"{slug}.md").write_text(text, encoding="utf-8")
    for folder in ("pages", "images"):
        if (ROOT / "content" / folder).is_dir():
            shutil.copytree(ROOT / "content" / folder, destination / folder)
    return destination
