"""The Markdown of each « Ajouter au texte » block (service/room/blocks.py), written as the
launch interviews are, and where a block goes in the text; without the editor's HTTP round."""

import pytest

from service.room.blocks import BlockError, image, insert, make

ANSWER = "**Awa Diallo :**{: .speaker} "


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("question", "  Pourquoi un relais\r\n petite enfance ?  ",
         "## Pourquoi un relais petite enfance ?"),
        ("question", "## Déjà un titre", "## Déjà un titre"),
        ("paragraphe", "  Un.\r\n\r\n\r\n  Deux.  ", "Un.\n\nDeux."),
        ("citation", "Ligne un\nligne deux\n\nAutre paragraphe",
         "> Ligne un\n> ligne deux\n>\n> Autre paragraphe"),
        ("reponse", "Parce que les familles le demandent.",
         ANSWER + "« Parce que les familles le demandent. »"),
        ("reponse", "Un.\r\n\r\nDeux.", ANSWER + "« Un.\n\nDeux. »"),
        ("reponse", "« Déjà entre guillemets. »", ANSWER + "« Déjà entre guillemets. »"),
    ],
)  # fmt: skip
def test_each_block_is_written_like_the_launch_articles(kind, text, expected):
    assert make(kind, text, speaker="Awa Diallo") == expected


def test_a_speaker_name_cannot_end_its_bold_or_its_line():
    assert make("reponse", "Oui.", speaker="Awa\n**Diallo") == (
        "**Awa ∗∗Diallo :**{: .speaker} « Oui. »"
    )


@pytest.mark.parametrize(
    ("text", "url", "expected"),
    [
        ("Le site de la Caf", " https://www.caf.fr/ ", "[Le site de la Caf](https://www.caf.fr/)"),
        ("À propos", "/a-propos/", "[À propos](/a-propos/)"),
        ("Écrire", "mailto:contact@exemple.fr", "[Écrire](mailto:contact@exemple.fr)"),
        ("", "https://www.caf.fr/", "[https://www.caf.fr/](https://www.caf.fr/)"),
        ("[crochets]\net ligne", "/", "[(crochets) et ligne](/)"),
    ],
)
def test_a_link(text, url, expected):
    assert make("lien", text, url=url) == expected


@pytest.mark.parametrize(
    "url",
    ["www.caf.fr", "javascript:alert(1)", "ftp://exemple.fr/", "https:///chemin",
     "https://a.fr/x y", "/page(1)", "https://a.fr/\"x", "", "  "],
)  # fmt: skip
def test_a_link_address_that_is_not_a_page_or_an_email_is_refused(url):
    with pytest.raises(BlockError) as refused:
        make("lien", "Un lien", url=url)
    assert str(refused.value) == (
        "Adresse du lien invalide : elle commence par https:// (une page d’un autre site), / "
        "(une page de ce site) ou mailto: (une adresse e-mail)."
    )


@pytest.mark.parametrize(
    ("kind", "text", "speaker", "message"),
    [
        ("tableau", "Du texte", "", "Choisissez ce que vous voulez ajouter."),
        ("paragraphe", " \r\n ", "", "Écrivez le texte à ajouter."),
        ("question", "", "", "Écrivez le texte à ajouter."),
        ("reponse", "Oui.", " \n ", "Choisissez qui répond (les intervenants de l’article)."),
    ],
)
def test_a_block_that_cannot_be_written_says_why(kind, text, speaker, message):
    with pytest.raises(BlockError) as refused:
        make(kind, text, speaker=speaker)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("alt", "caption", "credit", "expected"),
    [
        ("Une crèche", "La crèche de Massy", "Ville de Massy",
         '![Une crèche](/images/a.jpg "La crèche de Massy © Ville de Massy")'),
        ("Une crèche", "", "", "![Une crèche](/images/a.jpg)"),
        ("Une crèche", "", "© Ville", '![Une crèche](/images/a.jpg "© Ville")'),
        ("[Une]\ncrèche", 'Dite « la "grande" »', "",
         '![(Une) crèche](/images/a.jpg "Dite « la ”grande” »")'),
    ],
)  # fmt: skip
def test_an_image_with_its_caption_and_credit(alt, caption, credit, expected):
    assert image("/images/a.jpg", alt, caption, credit) == expected


def test_an_image_needs_its_text_alternative():
    with pytest.raises(BlockError) as refused:
        image("/images/a.jpg", " \n ", "Légende", "Crédit")
    assert str(refused.value).startswith("Décrivez l’image en une phrase (texte alternatif)")


@pytest.mark.parametrize(
    ("body", "cursor", "expected"),
    [
        ("Un.\n", None, "Un.\n\nB\n"),
        ("Un.\n\n\n", "", "Un.\n\nB\n"),
        ("", None, "B\n"),
        ("Un.\n\nDeux.\n", "1", "Un.\n\nB\n\nDeux.\n"),
        ("Un.\n\nDeux.\n\nTrois.\n", 6, "Un.\n\nDeux.\n\nB\n\nTrois.\n"),
        ("Un\ndeux.\n\nTrois.\n", "0", "Un\ndeux.\n\nB\n\nTrois.\n"),  # a line break
        ("Un.\n\nDeux.\n", "999999999", "Un.\n\nDeux.\n\nB\n"),
        ("Un.\n\nDeux.\n", "-1", "Un.\n\nDeux.\n\nB\n"),
        ("Un.\n\nDeux.\n", "début", "Un.\n\nDeux.\n\nB\n"),
        ("Un.\n", "9" * 5000, "Un.\n\nB\n"),  # too long to be read as a number
    ],
)
def test_a_block_goes_after_the_cursor_paragraph_or_at_the_end(body, cursor, expected):
    text, after = insert(body, "B", cursor)
    assert text == expected
    assert text[:after].endswith("B")  # the cursor comes back right after the block


def test_image_caption_ending_with_a_copyright_sign_leaves_one_space_before_the_credit():
    line = image("/images/x.jpg", "Une fête", "La fête à Évry ©", "© Ville")
    assert line == '![Une fête](/images/x.jpg "La fête à Évry © Ville")'
