"""Two accounts saving one article (issue 20): different fields, or different paragraphs,
merge by themselves; the same paragraph changed differently is a page of choices, theirs beside
mine with French field names and the differing words, then one save."""

from service.room import draft, merge
from tests.support.comments import spaces
from tests.support.room import editor_url, form_fields, login, work_text

BILAN = "bilan-conventions-territoriales-globales"
CTG = "Les Ctg symbolisent un enjeu majeur"


def two_forms(room, name: str):
    url = editor_url("articles", name)
    claire, karim = login(room.url, "claire"), login(room.url, "karim")
    return url, claire, karim, form_fields(claire.get(url)), form_fields(karim.get(url))


def test_title_and_chapo_changed_by_two_accounts_both_save_without_a_conflict_page(room):
    url, claire, karim, claire_form, karim_form = two_forms(room, "enjeux-prioritaires-2022")
    first = claire.post(url, data={**claire_form, "titre": "Le titre de Claire"})
    assert first.status_code == 303
    second = karim.post(url, data={**karim_form, "chapo": "Le chapô de Karim."})
    assert second.status_code == 303, spaces(second.text)[:2000]
    text = work_text(room, "articles/enjeux-prioritaires-2022.md")
    assert "Title: Le titre de Claire\n" in text and "Summary: Le chapô de Karim.\n" in text
    page = spaces(karim.get(second.headers["location"]).text)
    assert "Fusionné avec les modifications de Claire Martin (titre)" in page


def test_different_paragraphs_of_the_text_merge(room):
    url, claire, karim, claire_form, karim_form = two_forms(room, BILAN)
    body = claire_form["texte"]
    assert CTG in body and "La Caf avance vite et bien !" in body
    mine = body.replace(CTG, "Les Ctg, selon Claire, symbolisent un enjeu majeur")
    assert claire.post(url, data={**claire_form, "texte": mine}).status_code == 303
    theirs = body.replace("La Caf avance vite et bien !", "La Caf avance, dit Karim !")
    saved = karim.post(url, data={**karim_form, "texte": theirs})
    assert saved.status_code == 303, spaces(saved.text)[:2000]
    text = work_text(room, f"articles/{BILAN}.md")
    assert "Les Ctg, selon Claire, symbolisent" in text and "La Caf avance, dit Karim !" in text


def test_the_same_paragraph_shows_both_side_by_side_then_one_save(room):
    url, claire, karim, claire_form, karim_form = two_forms(room, "30-ans-caf-essonne")
    body = claire_form["texte"]
    paragraph = body.split("\r\n\r\n")[1]
    words = paragraph.split(" ")
    claire_paragraph = " ".join(["Claire"] + words[1:])
    karim_paragraph = " ".join(["Karim"] + words[1:])
    claire_text = body.replace(paragraph, claire_paragraph)
    assert claire.post(url, data={**claire_form, "texte": claire_text}).status_code == 303
    karim_fields = {
        **karim_form,
        "titre": "Le titre de Karim",
        "texte": body.replace(paragraph, karim_paragraph),
    }
    clash = karim.post(url, data=karim_fields)
    assert clash.status_code == 409
    page = spaces(clash.text)
    assert "<legend>Texte</legend>" in page and "<legend>Titre</legend>" not in page
    assert "<del>Claire</del>" in page and "<ins>Karim</ins>" in page
    assert "Garder ma version" in page and "Prendre la leur" in page
    assert "Summary:" not in page and "Title:" not in page
    # Karim takes theirs for the text; his title (changed on his side only) stays.
    chosen = karim.post(url, data={**form_fields(clash), "choix-texte": "leur"})
    assert chosen.status_code == 303, spaces(chosen.text)[:2000]
    text = work_text(room, "articles/30-ans-caf-essonne.md")
    assert "Title: Le titre de Karim\n" in text
    assert claire_paragraph.replace("\r\n", "\n") in text
    assert karim_paragraph.replace("\r\n", "\n") not in text


def test_people_changed_on_one_side_come_in_and_a_clash_names_its_field():
    base = draft.Draft("article", title="T", summary="S", speakers=[draft.Speaker("Awa")])
    theirs = draft.Draft(
        "article", title="T", summary="S", speakers=[draft.Speaker("Awa", "animatrice")]
    )
    mine = draft.Draft("article", title="T2", summary="S", speakers=[draft.Speaker("Awa")])
    merged = merge.merge(base, theirs, mine, {})
    assert merged.clashes == [] and merged.theirs_changed == ["personnes"]
    assert merged.draft.title == "T2" and merged.draft.speakers[0].role == "animatrice"
    both = merge.merge(base, theirs, draft.Draft("article", speakers=[draft.Speaker("Bea")]), {})
    assert [c.label for c in both.clashes] == ["Personnes interviewées"]  # title: mine alone
