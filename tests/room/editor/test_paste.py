"""Paste into the visual editor, in Debian's Chromium: real clipboard HTML from Word (desktop and
365), LibreOffice Writer, Google Docs and a web page (samples/, their README says where each
comes from) goes through `transformPastedHTML` and the schema's parse rules; headings, lists,
links, bold and italic must survive, and no style, font, colour, comment, empty paragraph or
code must reach the document. A real paste event in a ProseMirror editor checks the props are
the ones ProseMirror calls."""

import pytest

from tests.support.paste import (
    SAMPLES,
    assert_clean,
    blocks,
    dispatch_paste,
    marked,
    paste_html,
)

pytestmark = pytest.mark.browser


def test_libreoffice_odt_keeps_headings_lists_links_bold_italic(paste_page):
    result = paste_html(paste_page, "libreoffice-odt.html")
    assert_clean(result)
    doc = result["doc"]
    assert blocks(doc) == [
        ("heading", "Rencontre au Café de l’Essonne"),
        (
            "paragraph",
            "Sophie Garnier tient le café depuis douze ans, et chaque jeudi elle ouvre la salle"
            " aux associations.",
        ),
        ("heading", "Qu’est-ce qui vous a amenée ici ?"),
        ("paragraph", "Trois choses :"),
        ("bullet_list", ""),
        ("paragraph@1", "le quartier"),
        ("paragraph@1", "les voisins"),
        ("paragraph@1", "le marché du samedi"),
        ("paragraph", "Ce que j’ai tapé à la main :"),
        ("bullet_list", ""),
        ("paragraph@1", "une tasse de café"),
        ("paragraph@1", "un croissant"),
        ("paragraph@1", "le journal"),
        ("heading", "Et demain ?"),
        ("ordered_list", ""),
        ("paragraph@1", "Agrandir la terrasse"),
        ("paragraph@1", "Ouvrir le dimanche"),
        ("paragraph", "Une ligne qui commence par une tabulation."),
        (
            "paragraph",
            "Le programme est sur notre agenda, et tout est aussi sur https://cafe-essonne.fr/archives.",
        ),
        ("paragraph", "Texte en rouge et en police à chasse fixe."),
    ]
    assert marked(doc, "strong") == ["douze ans", "voisins"]
    assert marked(doc, "em") == ["chaque jeudi"]
    assert marked(doc, "link") == [
        "notre agenda → https://cafe-essonne.fr/agenda",
        "https://cafe-essonne.fr/archives → https://cafe-essonne.fr/archives",
    ]


def test_libreoffice_docx_numbered_headings_stay_headings(paste_page):
    result = paste_html(paste_page, "libreoffice-docx.html")
    assert_clean(result)
    kinds = blocks(result["doc"])
    assert ("heading", "Rencontre au Café de l’Essonne") in kinds
    assert ("heading", "Qu’est-ce qui vous a amenée ici ?") in kinds
    assert ("heading", "Et demain ?") in kinds
    assert kinds.count(("bullet_list", "")) == 2 and kinds.count(("ordered_list", "")) == 1, kinds
    assert ("paragraph@1", "une tasse de café") in kinds


def test_word_desktop_fake_lists_become_nested_lists_without_comments(paste_page):
    result = paste_html(paste_page, "word-desktop.html")
    assert_clean(result)
    assert blocks(result["doc"]) == [
        ("paragraph", "Test"),
        ("paragraph", "asdsad"),
        ("bullet_list", ""),
        ("paragraph@1", "Desktop Outlook"),
        ("bullet_list", ""),
        ("paragraph@2", "Compose window"),
        ("paragraph@2", "Received message"),
        ("bullet_list", ""),
        ("paragraph@3", "Expanded reading pane"),
        ("paragraph@3", "Pop-out window"),
    ]
    assert "BV11" not in result["clean"]


def test_word_typed_sample_numbered_list_tabs_comments_and_bare_address(paste_page):
    result = paste_html(paste_page, "word-typed.html")
    assert_clean(result)
    doc = result["doc"]
    assert blocks(doc) == [
        ("heading", "Rencontre au café"),
        ("paragraph", "Sophie tient le café depuis douze ans et chaque jeudi elle ouvre la salle."),
        ("bullet_list", ""),
        ("paragraph@1", "le quartier"),
        ("paragraph@1", "les voisins"),
        ("blockquote", ""),
        ("paragraph@1", "« On vient pour le café,"),
        ("paragraph@1", "on reste pour les gens. »"),
        ("paragraph", "Ensuite :"),
        ("ordered_list", ""),
        ("paragraph@1", "Agrandir la terrasse"),
        ("paragraph@1", "Ouvrir le dimanche"),
        ("bullet_list", ""),
        ("paragraph@1", "une tasse de café"),
        ("paragraph@1", "un croissant"),
        ("paragraph", "Une ligne qui commence par une tabulation."),
        ("paragraph", "Texte en Courier New."),
        ("paragraph", "Programme : https://cafe-essonne.fr/agenda et le département."),
    ]
    starts = [b["attrs"]["order"] for b in doc["content"] if b["type"] == "ordered_list"]
    assert starts == [3]
    assert marked(doc, "strong") == ["douze ans", "voisins"]
    assert marked(doc, "em") == ["chaque jeudi"]
    assert marked(doc, "link") == [
        "https://cafe-essonne.fr/agenda → https://cafe-essonne.fr/agenda",
        "le département → https://www.essonne.fr/",
    ]
    assert "SG1" not in result["clean"] and "Vérifier" not in result["clean"]


def test_word365_list_items_and_paragraphs(paste_page):
    result = paste_html(paste_page, "word365.html")
    assert_clean(result)
    assert blocks(result["doc"]) == [
        ("paragraph", "asd"),
        ("bullet_list", ""),
        ("paragraph@1", "Test"),
    ]


def test_word365_lists_nest_by_their_level(paste_page):
    result = paste_html(paste_page, "word365-nested.html")
    assert_clean(result)
    assert blocks(result["doc"]) == [
        ("paragraph", "Trois choses :"),
        ("bullet_list", ""),
        ("paragraph@1", "le quartier"),
        ("bullet_list", ""),
        ("paragraph@2", "la rue"),
        ("paragraph@2", "la place"),
        ("paragraph@1", "les voisins"),
        ("ordered_list", ""),
        ("paragraph@1", "Agrandir la terrasse"),
        ("paragraph@1", "Ouvrir le dimanche"),
    ]


def test_google_docs_wrapper_is_not_bold_and_styles_become_marks(paste_page):
    result = paste_html(paste_page, "gdocs-inline.html")
    assert_clean(result)
    doc = result["doc"]
    assert [kind for kind, _ in blocks(doc)] == ["paragraph", "paragraph", "paragraph"]
    words = lambda texts: [" ".join(text.split()) for text in texts]  # noqa: E731
    assert words(marked(doc, "strong")) == ["is bold", "and italic"]
    assert words(marked(doc, "em")) == ["and italic", "or just italic"]
    assert words(marked(doc, "link")) == ["linked (to GitHub) → https://github.com/"]


def test_google_docs_headings_and_no_empty_paragraphs_from_its_br(paste_page):
    result = paste_html(paste_page, "gdocs-headings.html")
    assert_clean(result)
    assert [(kind, text.split()) for kind, text in blocks(result["doc"])] == [
        ("paragraph", "This is a test of headings and paragraphs.".split()),
        ("heading", ["Heading", "1"]),
        ("paragraph", ["Some", "text."]),
        ("paragraph", ["Another", "paragraph."]),
        ("heading", ["Heading", "2"]),
        ("paragraph", "Another paragraph in the middle. But with a line break.".split()),
        ("heading", ["Heading", "3"]),
        ("paragraph", ["Some", "final", "text."]),
    ]
    assert not marked(result["doc"], "strong")


def test_google_docs_nested_lists_stay_nested(paste_page):
    result = paste_html(paste_page, "gdocs-lists.html")
    assert_clean(result)
    kinds = [(kind, " ".join(text.split())) for kind, text in blocks(result["doc"])]
    assert kinds[:12] == [
        ("paragraph", "This is a test of lists."),
        ("paragraph", "A bulleted list:"),
        ("bullet_list", ""),
        ("paragraph@1", "This is"),
        ("paragraph@1", "A bulleted"),
        ("paragraph@1", "List of stuff."),
        ("bullet_list", ""),
        ("paragraph@2", "With"),
        ("paragraph@2", "Subitems"),
        ("bullet_list", ""),
        ("paragraph@3", "And"),
        ("paragraph@3", "Sub-subitems"),
    ]
    assert ("ordered_list", "") in kinds and ("paragraph", "And a numbered list:") in kinds


def test_web_page_pre_code_fonts_and_typed_dashes(paste_page):
    result = paste_html(paste_page, "web-page.html")
    assert_clean(result)
    doc = result["doc"]
    assert blocks(doc) == [
        ("heading", "Le marché du samedi"),
        ("paragraph", "Des producteurs de l’Essonne, chaque samedi et par tous les temps."),
        ("paragraph", "Un paragraphe en police à chasse fixe."),
        ("paragraph", "Une ligne copiée d’un bloc préformaté"),
        ("paragraph", "et sa suite"),
        ("paragraph", "Horaires : 8 h – 13 h, plan sur www.cafe-essonne.fr/plan ici."),
        ("bullet_list", ""),
        ("paragraph@1", "le pain"),
        ("paragraph@1", "les fromages"),
        # Two lists side by side are one in Markdown: merged, as Word 365's one-item lists.
        ("paragraph@1", "L’agenda"),
        ("blockquote", ""),
        ("paragraph@1", "« On vient pour le café, on reste pour les gens. »"),
    ]
    assert marked(doc, "link") == [
        "www.cafe-essonne.fr/plan → https://www.cafe-essonne.fr/plan",
        "L’agenda → /agenda/",
    ]
    gone_words = ("tracker", "Accueil", "Le café", "VIEWSTATE")
    for gone in (*gone_words, "data:image", "javascript", "alert", "ailleurs"):
        assert gone not in result["clean"], gone


@pytest.mark.parametrize("name", sorted(path.name for path in SAMPLES.glob("*.html")))
def test_pasted_sample_writes_markdown_reading_back_the_same_blocks(paste_page, name):
    result = paste_html(paste_page, name)
    markdown = result["markdown"]
    # Read back by the editor's own reader: nothing became code, raw HTML or another block.
    assert blocks(result["back"]) == blocks(result["doc"]), markdown
    # An empty comment may only keep two lists that meet apart (markdown.js's LIST_BREAK).
    kept = markdown.replace("\n\n<!-- -->\n\n", "\n\n")
    for foreign in ("style", "font-", "color", "mso", "<span", "<!--", "```", "\t", "\u00a0"):
        assert foreign not in kept, (foreign, markdown)
    assert "\n\n\n" not in markdown and not markdown.startswith("\n"), markdown


# Lines each sample's Markdown must hold (stripped of their indent), and text it must not.
MARKDOWN = {
    "word-desktop.html": (["- Desktop Outlook", "- Compose window", "- Pop-out window"], ["BV11"]),
    "word-typed.html": (
        [
            "## Rencontre au café",
            "- le quartier",
            "3. Agrandir la terrasse",
            "> « On vient pour le café,",
        ],
        ["Vérifier", "SG1", "font-family", "1 Rencontre"],
    ),
    "word365.html": (["asd", "- Test"], []),
    "gdocs-headings.html": (["## Heading 1", "### Heading 3"], ["**"]),
    "gdocs-lists.html": (["- This is", "- With", "1. This is", "1. With"], []),
    "libreoffice-docx.html": (
        ["## Et demain ?", "- une tasse de café", "1. Agrandir la terrasse"],
        [],
    ),
    "web-page.html": (
        [
            "## Le marché du samedi",
            "- le pain",
            "> « On vient pour le café, on reste pour les gens. »",
        ],
        ["Accueil"],
    ),
}


@pytest.mark.parametrize("name", sorted(MARKDOWN))
def test_pasted_sample_markdown_has_its_headings_lists_and_quotes(paste_page, name):
    markdown = paste_html(paste_page, name)["markdown"]
    lines = {line.strip() for line in markdown.splitlines()}
    wanted, unwanted = MARKDOWN[name]
    assert set(wanted) <= lines, markdown
    for text in unwanted:
        assert text not in markdown, (text, markdown)


def test_libreoffice_paste_writes_the_sites_markdown(paste_page):
    markdown = paste_html(paste_page, "libreoffice-odt.html")["markdown"]
    lines = markdown.splitlines()
    assert "## Qu’est-ce qui vous a amenée ici ?" in lines
    assert {"- le quartier", "- une tasse de café", "1. Agrandir la terrasse"} <= set(lines)
    assert "Une ligne qui commence par une tabulation." in lines
    assert "[notre agenda](https://cafe-essonne.fr/agenda)" in markdown
    assert "**douze ans**" in markdown and "*chaque jeudi*" in markdown


def test_google_docs_paste_writes_bold_and_italic_that_markdown_reads(paste_page):
    markdown = paste_html(paste_page, "gdocs-inline.html")["markdown"]
    assert "This **is bold**" in markdown and "*or just italic*" in markdown
    assert "[linked (to GitHub)](https://github.com/)" in markdown
    assert not markdown.startswith("**")


def test_a_page_marked_as_an_editor_copy_still_loses_its_script_links(paste_page):
    html = '<p data-pm-slice="0 0 []">Un <a href="javascript:alert(1)">piège</a></p>'
    result = paste_page.evaluate("html => window.pasted(html)", html)
    assert "javascript" not in result["clean"] and not marked(result["doc"], "link")
    assert blocks(result["doc"]) == [("paragraph", "Un piège")]


def test_internal_copy_is_left_to_prosemirror(paste_page):
    html = '<p data-pm-slice="1 1 []" class="answer"><strong class="speaker">Léa :</strong> oui</p>'
    assert paste_page.evaluate("html => window.pasted(html).clean", html) == html


def test_real_paste_event_of_word_html_goes_through_transform(paste_page):
    html = (SAMPLES / "word-typed.html").read_text("utf-8")
    kinds = dispatch_paste(paste_page, html, "ignored when HTML is there")
    assert ("ordered_list", "") in kinds and ("paragraph@1", "Agrandir la terrasse") in kinds
    assert ("paragraph", "Une ligne qui commence par une tabulation.") in kinds


def test_real_paste_of_a_few_words_joins_the_paragraph_it_lands_in(paste_page):
    kinds = dispatch_paste(paste_page, None, "cher ", into=("Bonjour le monde", len("Bonjour ")))
    assert kinds == [("paragraph", "Bonjour cher le monde")]


def test_real_paste_of_a_few_words_of_html_keeps_the_space_after_them(paste_page):
    # Word and web pages copy a double-clicked word with the space after it.
    html = '<b style="font-weight:normal;" id="docs-internal-guid-1"><span>très </span></b>'
    kinds = dispatch_paste(paste_page, html, "très ", into=("Bonjour le monde", len("Bonjour ")))
    assert kinds == [("paragraph", "Bonjour très le monde")]


def test_real_paste_event_of_plain_text_makes_lists_and_links(paste_page):
    text = "Au menu :\r\n\r\n• café\r\n• thé\r\n\r\n1. entrer\r\n2. s’asseoir\r\n"
    text += "\tVoir www.cafe-essonne.fr\r\n"
    assert dispatch_paste(paste_page, None, text) == [
        ("paragraph", "Au menu :"),
        ("bullet_list", ""),
        ("paragraph@1", "café"),
        ("paragraph@1", "thé"),
        ("ordered_list", ""),
        ("paragraph@1", "entrer"),
        ("paragraph@1", "s’asseoir"),
        ("paragraph", "Voir www.cafe-essonne.fr"),
    ]
