"""The markup checks of test_markup.py fail on the faults they are there for: each is run on
a page that passes, then on the same page with one fault (a check that cannot fail proves
nothing of the sample's pages, most of which have no image, frame or table)."""

from types import SimpleNamespace

import pytest

from tests.audit import test_markup as checks

PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Une page</title>
</head><body><a href="#contenu">Aller au contenu</a><header><nav><a href="/">Accueil</a></nav>
</header><main id="contenu"><h1>Titre</h1><h2>Partie</h2>{}</main><footer>Pied</footer>
</body></html>"""
FAULTS = [
    (checks.test_images_have_an_alternative_or_are_hidden, '<img src="a.png" alt="Plan">',
     '<img src="a.png">'),
    (checks.test_images_have_an_alternative_or_are_hidden, '<svg aria-hidden="true"></svg>',
     "<svg></svg>"),
    (checks.test_frames_have_a_title, '<iframe src="/" title="Carte"></iframe>',
     '<iframe src="/"></iframe>'),
    (checks.test_data_tables_have_header_cells_tied_to_their_data,
     '<table><tr><th scope="col">A</th></tr><tr><td>1</td></tr></table>',
     "<table><tr><td>A</td></tr><tr><td>1</td></tr></table>"),
    (checks.test_every_link_has_a_name, '<a href="/x">Suite</a>', '<a href="/x"></a>'),
    (checks.test_links_and_buttons_names_contain_their_visible_label,
     '<button aria-label="Envoyer le message">Envoyer</button>',
     '<button aria-label="Valider">Envoyer</button>'),
    (checks.test_headings_start_at_one_h1_and_skip_no_level, "<h3>Détail</h3>",
     "<h4>Détail</h4>"),
    (checks.test_list_items_are_inside_lists, "<ul><li>Un</li></ul>", "<div><li>Un</li></div>"),
    (checks.test_no_presentation_in_the_markup, "<p>Texte</p>", '<p align="center">Texte</p>'),
    (checks.test_every_field_has_a_label, '<label for="c">Ville</label><input id="c">',
     '<input id="c">'),
    (checks.test_personal_fields_say_their_purpose,
     '<label for="m">E-mail</label><input id="m" type="email" autocomplete="email">',
     '<label for="m">E-mail</label><input id="m" type="email">'),
    (checks.test_no_positive_tabindex_upsets_the_tab_order, '<p tabindex="-1">Texte</p>',
     '<p tabindex="2">Texte</p>'),
    (checks.test_downloads_say_their_format_and_size,
     '<a href="/guide.pdf">Le guide (PDF, 350 ko)</a>', '<a href="/guide.pdf">Le guide</a>'),
]  # fmt: skip


def run(check, html: str) -> None:
    sample = SimpleNamespace(html={"page": html}, urls={"page": "http://127.0.0.1/"})
    check(sample, "page")


@pytest.mark.parametrize(("check", "good", "bad"), FAULTS, ids=lambda v: getattr(v, "__name__", ""))
def test_each_markup_check_fails_on_its_fault(check, good, bad):
    run(check, PAGE.format(good))
    with pytest.raises(AssertionError):
        run(check, PAGE.format(bad))


@pytest.mark.parametrize(
    ("check", "bad"),
    [
        (checks.test_markup_has_a_doctype_and_no_parse_error, PAGE.format("<p><div></p>")),
        (checks.test_page_language_is_french, PAGE.format("").replace('lang="fr"', 'lang="en"')),
        (
            checks.test_a_skip_link_to_the_content_comes_first,
            PAGE.format("").replace('href="#contenu"', 'href="/"'),
        ),
        (
            checks.test_no_page_refreshes_or_redirects_by_itself,
            PAGE.format("").replace("<title>", '<meta http-equiv="refresh" content="5"><title>'),
        ),
        (
            checks.test_page_zones_are_landmarks,
            PAGE.format("").replace("<header>", "<div>").replace("</header>", "</div>"),
        ),
    ],
)
def test_each_page_check_fails_on_its_fault(check, bad):
    run(check, PAGE.format(""))
    with pytest.raises(AssertionError):
        run(check, bad)
