"""The Markdown the editor's « Ajouter » buttons write, as the launch interviews are written.

A question is a `## ` heading (the « Sommaire » links to it), an answer opens with its
speaker's name in bold marked `{: .speaker}` and is set between « », a quote is a `> ` block,
an image `![alt](/images/x.jpg "Légende © Crédit")` on a line of its own (plugins/images makes
it a figure with its caption and credit). A block goes at the end of the text, or after the
paragraph where the cursor was when the page's script sends its position. Text typed into a
block can neither end the block nor start another kind: line breaks inside a heading or a bold
name become spaces, and the characters that would close a name, an alt text or a title are
replaced by look-alikes.
"""

import re
from urllib.parse import urlsplit

KINDS = {
    "question": "Une question",
    "reponse": "Une réponse",
    "paragraphe": "Un paragraphe",
    "citation": "Une citation",
    "lien": "Un lien",
}
# What the editor says once a block is in the text.
ADDED = {
    "question": "Question ajoutée",
    "reponse": "Réponse ajoutée",
    "paragraphe": "Paragraphe ajouté",
    "citation": "Citation ajoutée",
    "lien": "Lien ajouté",
}


class BlockError(ValueError):
    """The block cannot be written as asked; the message says why, in French."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").strip()
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def question(text: str) -> str:
    return f"## {_one_line(text).lstrip('#').strip()}"


def answer(speaker: str, text: str) -> str:
    name = _one_line(speaker).replace("*", "∗")
    paragraphs = _paragraphs(text)
    if not name:
        raise BlockError("Choisissez qui répond (les intervenants de l’article).")
    if not paragraphs[0].startswith("«"):
        paragraphs[0] = f"« {paragraphs[0]}"
        paragraphs[-1] = f"{paragraphs[-1]} »"
    paragraphs[0] = f"**{name} :**{{: .speaker}} {paragraphs[0]}"
    return "\n\n".join(paragraphs)


def paragraph(text: str) -> str:
    return "\n\n".join(_paragraphs(text))


def quote(text: str) -> str:
    return "\n>\n".join(
        "\n".join(f"> {line.strip()}" for line in p.splitlines()) for p in _paragraphs(text)
    )


def link(text: str, url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if (
        not (parts.scheme in ("http", "https") and parts.netloc)
        and not (parts.scheme == "mailto" or (not parts.scheme and url.startswith("/")))
        or any(c in url for c in " <>()\"'")
    ):
        raise BlockError(
            "Adresse du lien invalide : elle commence par https:// (une page d’un autre "
            "site), / (une page de ce site) ou mailto: (une adresse e-mail)."
        )
    label = _one_line(text).replace("[", "(").replace("]", ")") or url
    return f"[{label}]({url})"


def image_words(alt: str, caption: str = "", credit: str = "") -> tuple[str, str]:
    """An image's text alternative and title (« Légende © Crédit »), each one line that cannot
    close its Markdown: what `image` writes, and what the editor's picker is answered."""
    alt = _one_line(alt).replace("[", "(").replace("]", ")")
    title = _one_line(_one_line(caption).replace("©", ""))
    if _one_line(credit):
        title = f"{title} © {_one_line(credit).lstrip('©').strip()}".strip()
    return alt, title.replace('"', "”")


def image(path: str, alt: str, caption: str = "", credit: str = "") -> str:
    alt, title = image_words(alt, caption, credit)
    if not alt:
        raise BlockError(
            "Décrivez l’image en une phrase (texte alternatif) : ce qu’elle apporte à "
            "l’article, pour qui ne la voit pas."
        )
    return f'![{alt}]({path} "{title}")' if title else f"![{alt}]({path})"


def make(kind: str, text: str, speaker: str = "", url: str = "") -> str:
    if kind not in KINDS:
        raise BlockError("Choisissez ce que vous voulez ajouter.")
    if kind == "lien":
        return link(text, url)
    if not text.strip():
        raise BlockError("Écrivez le texte à ajouter.")
    if kind == "reponse":
        return answer(speaker, text)
    return {"question": question, "paragraphe": paragraph, "citation": quote}[kind](text)


def insert(body: str, block: str, cursor: str | int | None = None) -> tuple[str, int]:
    """`body` with `block` as a paragraph of its own after the paragraph holding `cursor` (a
    character offset the script sends; none: at the end); and the offset just after it."""
    cursor = "" if cursor is None else str(cursor).strip()
    position = min(int(cursor), len(body)) if cursor.isdigit() and len(cursor) < 9 else len(body)
    if position >= len(body.rstrip()):
        head = body.rstrip("\n")
        text = f"{head}\n\n{block}\n" if head else f"{block}\n"
        return text, len(text) - 1
    end = body.find("\n\n", position)
    end = len(body.rstrip("\n")) if end == -1 else end
    head, tail = body[:end].rstrip("\n"), body[end:].lstrip("\n")
    text = f"{head}\n\n{block}\n\n{tail}" if head else f"{block}\n\n{tail}"
    return text, len(text) - len(tail) - 2
