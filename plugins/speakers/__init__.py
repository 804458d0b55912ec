"""Speakers of an interview: pairs each author with their role from the `Roles` metadata.

`Authors: A, B` and `Roles: role of A ; role of B` give `article.speakers`, a list of
`Speaker(author, role)`; content_validation checks the two lists have the same length.
"""

from typing import NamedTuple

from pelican import signals
from pelican.contents import Article


class Speaker(NamedTuple):
    author: object  # pelican.urlwrappers.Author
    role: str


def split_roles(value: str) -> list[str]:
    return [role.strip() for role in value.split(";")] if value else []


def add_speakers(content):
    if not isinstance(content, Article):
        return
    authors = getattr(content, "authors", [])
    roles = split_roles(content.metadata.get("roles", ""))
    roles += [""] * (len(authors) - len(roles))
    content.speakers = [Speaker(author, role) for author, role in zip(authors, roles, strict=True)]


def register():
    signals.content_object_init.connect(add_speakers)
