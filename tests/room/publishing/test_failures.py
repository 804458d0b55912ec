"""A publication that fails says so in French and what to do (issue 19, item 16): the text of
Python, lxml or Pelican may follow only as a technical detail."""

import os
import signal

import pytest

from service.room.publishing.building import BuildFailed
from service.room.publishing.pipeline import Pipeline
from tests.support.room import pipeline as room_pipeline

DETAIL = "Détail technique : "


def pipeline(tmp_path) -> Pipeline:
    (tmp_path / "public").mkdir()
    return room_pipeline(tmp_path, tmp_path / "public")


def failure_of(publication: Pipeline, stage=lambda name: None) -> str:
    try:
        with pytest.raises(BuildFailed) as failure:
            publication.run(stage)
    finally:
        publication.stop()
    return "\n".join(failure.value.errors)


def said(message: str) -> str:
    """What a team member reads before any technical detail."""
    return message.split(DETAIL)[0]


def test_issue19_item16_a_builder_that_dies_is_reported_in_french(tmp_path):
    publication = pipeline(tmp_path)

    def kill_the_builder(stage: str) -> None:
        if stage == "build":  # as the OOM killer or an operator would
            os.killpg(publication.worker._proc.pid, signal.SIGKILL)

    message = failure_of(publication, kill_the_builder)
    assert "the builder stopped" not in message and "no answer" not in message
    assert said(message).startswith("Le programme de construction du site s’est arrêté")
    assert "réessayez" in said(message).lower()


def test_issue19_item16_a_library_error_comes_after_a_french_message(tmp_path):
    """A file the content checks let through but Pelican refuses: two articles at one address
    (Pelican's « Failed to overwrite »)."""
    publication = pipeline(tmp_path)
    article = publication.places.content / "articles" / "enjeux-prioritaires-2022.md"
    twin = article.with_name("enjeux-prioritaires-2022-copie.md")
    twin.write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
    message = failure_of(publication)
    assert "overwrite" not in said(message) and "Error" not in said(message)
    assert said(message).startswith("La construction du site s’est arrêtée")
    assert "réessayez" in said(message).lower()
    assert DETAIL in message  # Pelican's words follow, for whoever reads builder.log


def test_issue19_item3_a_control_character_in_a_hand_edited_file_is_named(tmp_path):
    """Word's line break in a title typed by hand: the content checks name file and field
    before any library sees it (it was lxml's « All strings must be XML compatible »)."""
    publication = pipeline(tmp_path)
    article = publication.places.content / "articles" / "enjeux-prioritaires-2022.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("Title: ", "Title: Saut\vde ligne ", 1), encoding="utf-8")
    message = failure_of(publication)
    assert "XML compatible" not in message
    assert "enjeux-prioritaires-2022.md : champ « Title » : caractère invisible U+000B" in message
