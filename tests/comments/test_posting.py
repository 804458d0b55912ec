"""Posting comments over real HTTP to the service, with a real SQLite file."""

import time

import httpx
import pytest
from bs4 import BeautifulSoup

from service.core import tokens
from service.settings import Settings
from site_core.manifest import ManifestFile
from site_core.paths import SHELL_NAME as SHELL_FILE
from tests.support.comments import ARTICLES, make_config, running_service, spaces, write_site
from tests.support.site import token_image


def post(service, form=None, **kwargs):
    return httpx.post(f"{service.url}/commentaires/poster", data=form, timeout=10, **kwargs)


def stored(service):
    with service.db() as conn:
        return conn.execute("SELECT * FROM comments ORDER BY id").fetchall()


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "lxml")


def test_valid_post_is_stored_pending_and_confirmed(comment_service):
    form = comment_service.form(site="www.mairie-exemple.fr")
    response = post(comment_service, form)
    assert response.status_code == 303
    [row] = stored(comment_service)
    assert row["status"] == "pending"
    assert row["article_slug"] == "premier-article"
    assert row["author_name"] == form["nom"]
    assert row["author_email"] == form["email"]
    assert row["author_url"] == "https://www.mairie-exemple.fr"
    assert row["body"] == form["commentaire"]
    assert row["ip_hash"] and "127.0.0.1" not in row["ip_hash"]
    with comment_service.db() as conn:
        assert conn.execute("SELECT comment_id FROM notifications").fetchone()[0] == row["id"]

    thanks = httpx.get(comment_service.url + response.headers["location"])
    assert thanks.status_code == 200
    doc = page(thanks)
    assert "en attente de modération" in doc.main.get_text()
    assert doc.find("a", href="/articles/premier-article/")
    assert doc.find("footer")  # the site's shell around the message
    assert "Commentaire en attente de modération" in doc.title.get_text()


def test_invalid_fields_come_back_with_french_errors_and_everything_kept(comment_service):
    body = "Un texte <b>précieux</b> & long\nsur deux lignes"
    form = comment_service.form(nom="", email="pas-une-adresse", site="javascript:alert(1)")
    form["commentaire"] = body
    response = post(comment_service, form)
    assert response.status_code == 422
    assert stored(comment_service) == []
    doc = page(response)
    summary = doc.find(id="erreurs-commentaire")
    assert summary["role"] == "alert"
    targets = [a["href"] for a in summary.find_all("a")]
    assert targets == ["#champ-nom", "#champ-email", "#champ-site"]
    for name, words in [("nom", "Indiquez votre nom"), ("email", "n’est pas valide")]:
        field = doc.find(id=f"champ-{name}")
        assert field["aria-invalid"] == "true"
        assert field["aria-describedby"] == f"champ-{name}-erreur"
        assert words in doc.find(id=f"champ-{name}-erreur").get_text()
    assert "http:// ou https://" in doc.find(id="champ-site-erreur").get_text()
    # Everything typed is kept, escaped.
    assert doc.find(id="champ-commentaire").get_text() == body.replace("\r\n", "\n")
    assert doc.find(id="champ-email")["value"] == "pas-une-adresse"
    assert doc.find(id="champ-site")["value"] == "javascript:alert(1)"
    assert "<b>précieux</b>" not in response.text
    assert doc.find("input", attrs={"name": "article"})["value"] == "premier-article"
    assert doc.find("footer")


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("nom", "N" * 246, "245 caractères"),
        ("email", "a" * 95 + "@x.fr" + "r", "100 caractères"),
        ("site", "https://exemple.fr/" + "p" * 190, "200 caractères"),
        ("commentaire", "é" * 32_763, "65\u202f525 au maximum"),
    ],
)
def test_wordpress_length_limits(comment_service, field, value, message):
    response = post(comment_service, comment_service.form(**{field: value}))
    assert response.status_code == 422
    assert message in page(response).find(id=f"champ-{field}-erreur").get_text()


def test_limits_themselves_are_accepted(comment_service):
    form = comment_service.form(
        nom="N" * 245,
        email="a" * 94 + "@x.fr" + "r",  # 100 characters
        site="https://exemple.fr/" + "p" * 181,  # 200 characters
        commentaire="é" * 32_762 + "a",  # 65,525 bytes
    )
    assert len(form["email"]) == 100 and len(form["site"]) == 200
    assert post(comment_service, form).status_code == 303
    assert len(stored(comment_service)[0]["body"].encode()) == 65_525


def test_unknown_and_closed_articles(comment_service):
    unknown = post(comment_service, comment_service.form("n-existe-pas"))
    assert unknown.status_code == 404
    assert "Aucun article « n-existe-pas »" in spaces(unknown.text)
    typed = "Mon texte à ne pas perdre"
    closed = post(comment_service, comment_service.form("article-ferme", commentaire=typed))
    assert closed.status_code == 403
    assert "Les commentaires sont fermés" in closed.text
    assert page(closed).find("textarea").get_text() == typed  # shown back to copy
    assert stored(comment_service) == []


NEW_ARTICLE = {"title": "Nouveau", "url": "articles/n/", "comments_open": True}


def test_manifest_is_reloaded_after_a_build(comment_service):
    write_site(comment_service.config.core.site_dir, {**ARTICLES, "nouvel-article": NEW_ARTICLE})
    assert post(comment_service, comment_service.form("nouvel-article")).status_code == 303


def test_token_missing_forged_or_too_young_goes_to_the_spam_queue(comment_service):
    """Robot signs never refuse a post: it is stored, unseen, for a moderator to judge."""
    cases = [
        ("", "sans jeton"),
        ("a.1.b.forged", "sans jeton"),
        (comment_service.token(age=0.5), " s après l’ouverture du formulaire"),
        (comment_service.token(age=90000), "expiré"),
    ]
    for n, (token, reason) in enumerate(cases):
        form = comment_service.form(jeton=token, commentaire=f"Gardé {n}")
        assert post(comment_service, form).status_code == 303
        row = stored(comment_service)[-1]
        assert (row["status"], row["body"]) == ("spam", f"Gardé {n}")
        assert reason in row["spam_reason"]


def test_a_reader_who_wrote_for_hours_is_accepted(comment_service):
    form = comment_service.form(jeton=comment_service.token(age=7300))
    assert post(comment_service, form).status_code == 303
    assert stored(comment_service)[-1]["status"] == "pending"


def test_token_endpoint_gives_the_browser_a_single_use_token_cookie(comment_service):
    with httpx.Client(base_url=comment_service.url) as browser:
        image = browser.get("/commentaires/jeton")
        assert image.status_code == 200 and image.headers["content-type"] == "image/gif"
        assert "no-store" in image.headers["cache-control"]
        cookie = image.cookies[tokens.COOKIE]
        first = tokens.read(comment_service.config.core.secret_key, cookie)
        assert first is not None and first.age() < 5
        assert "httponly" in image.headers["set-cookie"].lower()
        again = browser.get("/commentaires/jeton")
        second = tokens.read(comment_service.config.core.secret_key, again.cookies[tokens.COOKIE])
        assert second.client == first.client and second.nonce != first.nonce
        # The cookie goes back with the post; the form's own field is empty, as on the page.
        time.sleep(comment_service.config.comments.min_fill_seconds)
        form = comment_service.form(jeton="")
        assert browser.post("/commentaires/poster", data=form).status_code == 303
        # Used once: the same cookie again is a replay.
        form = comment_service.form(jeton="", commentaire="Deuxième envoi, même jeton")
        assert browser.post("/commentaires/poster", data=form).status_code == 303
    first_post, replay = stored(comment_service)
    assert first_post["status"] == "pending"
    assert replay["status"] == "spam" and "rejoué" in replay["spam_reason"]


def test_wrong_content_type_and_oversized_body(comment_service):
    url = f"{comment_service.url}/commentaires/poster"
    as_json = httpx.post(url, json=comment_service.form())
    assert as_json.status_code == 415
    assert "formulaire" in as_json.text
    multipart = httpx.post(url, data=comment_service.form(), files={"f": b"x"})
    assert multipart.status_code == 415

    # Declared too big: refused from the header, before the body is read.
    limit = comment_service.config.comments.max_request_bytes
    huge = httpx.post(
        url,
        content=b"commentaire=" + b"x" * (limit + 10),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert huge.status_code == 413
    assert "trop volumineux" in huge.text.lower()

    # Undeclared (chunked) and too big: refused while streaming.
    def chunks():
        for _ in range(limit // 4096 + 2):
            yield b"x" * 4096

    chunked = httpx.post(
        url, content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert chunked.status_code == 413
    assert stored(comment_service) == []


def test_garbage_requests_get_4xx_never_500(comment_service):
    url = f"{comment_service.url}/commentaires/poster"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    for body in [b"", b"%%%\xff\xfe=&&==", b"article=premier-article&parent=abc&jeton=..."]:
        response = httpx.post(url, content=body, headers=headers)
        assert 400 <= response.status_code < 500, body
    assert httpx.get(url).status_code == 405
    assert httpx.get(f"{comment_service.url}/commentaires/repondre").status_code == 404


def approved_comment(service, slug="premier-article", status="approved") -> int:
    with service.db() as conn:
        return conn.execute(
            "INSERT INTO comments (article_slug, author_name, author_email, body, status,"
            " created_at) VALUES (?, 'Agent Caf', 'agent@caf.fr', ?, ?,"
            " '2026-11-20T09:30:00+00:00')",
            (slug, "Premier paragraphe.\n\nVoir https://www.caf.fr <script>", status),
        ).lastrowid


def test_reply_form_quotes_the_parent_and_posts_a_reply(comment_service):
    parent = approved_comment(comment_service)
    response = httpx.get(
        f"{comment_service.url}/commentaires/repondre?article=premier-article&parent={parent}"
    )
    assert response.status_code == 200
    doc = page(response)
    quote = doc.find("blockquote")
    assert len(quote.find_all("p")) == 2
    assert quote.find("a", href="https://www.caf.fr")["rel"] == ["nofollow", "ugc", "noopener"]
    assert "<script>" not in response.text.split("<blockquote>")[1].split("</blockquote>")[0]
    assert "20 novembre 2026 à 10 h 30" in spaces(doc.find("figcaption").get_text())
    assert doc.find("input", attrs={"name": "parent"})["value"] == str(parent)
    assert "Répondre à Agent Caf" in doc.h2.get_text()

    form = {inp["name"]: inp.get("value", "") for inp in doc.form.find_all("input")}
    form.update(nom="Paul", email="paul@asso.fr", commentaire="Ma réponse")
    form["jeton"] = comment_service.token()
    assert post(comment_service, form).status_code == 303
    assert stored(comment_service)[-1]["parent_id"] == parent


def test_reply_must_target_an_approved_comment_of_the_same_article(comment_service):
    pending = approved_comment(comment_service, status="pending")
    other = approved_comment(comment_service, slug="deuxieme-article")
    for parent in (pending, other, 999):
        url = f"{comment_service.url}/commentaires/repondre?article=premier-article&parent={parent}"
        assert httpx.get(url).status_code == 404
        response = post(comment_service, comment_service.form(parent=str(parent)))
        assert response.status_code == 422
        assert "n’existe pas ou n’est plus publié" in response.text
    assert [r["id"] for r in stored(comment_service)] == [pending, other]


def test_duplicate_is_not_stored_twice(comment_service):
    form = comment_service.form()
    assert post(comment_service, form).status_code == 303
    again = post(comment_service, comment_service.form())
    assert again.status_code == 409
    assert "déjà envoyé ce commentaire" in again.text
    assert len(stored(comment_service)) == 1


def test_service_pages_use_the_built_shell(tmp_path, built_site):
    """A real Pelican build writes the shell page the service fills: noindex, site chrome."""
    site = built_site
    shell = (site / SHELL_FILE).read_text()
    assert "<!-- contenu-commentaires -->" in shell and "<!-- titre-commentaires -->" in shell
    config = make_config(tmp_path, site)
    with running_service(config) as service:
        manifest = ManifestFile(site).current().articles
        slug = next(s for s, article in manifest.items() if article.comments_open)
        response = post(service, service.form(slug, nom=""))
        assert response.status_code == 422
        doc = page(response)
        assert doc.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
        assert doc.find("a", class_="skip-link")  # the theme's own base.html
        assert doc.find(id="champ-nom")["aria-invalid"] == "true"
        assert doc.title.get_text().startswith("Erreur — Commentaire sur")


def test_form_of_a_built_article_page_posts_as_is(tmp_path, built_site):
    """The empty form baked into an article page, filled in, is accepted by the service."""
    manifest = ManifestFile(built_site).current().articles
    slug, article = next((s, a) for s, a in manifest.items() if a.comments_open)
    doc = BeautifulSoup((built_site / article.url / "index.html").read_text(), "lxml")
    form = doc.find("form", action="/commentaires/poster")
    for name in ("commentaire", "nom", "email", "site"):
        field = form.find(attrs={"name": name})
        label = doc.find("label", attrs={"for": field["id"]})
        assert label and label.get_text().strip()
        if name != "site":
            assert field.has_attr("required")
    # The service's French messages, not the browser's (in the browser's language), report errors.
    assert form.has_attr("novalidate")
    assert doc.find("a", href="/donnees-personnelles/")
    fields = {inp["name"]: inp.get("value", "") for inp in form.find_all("input")}
    fields.update(nom="Lou", email="lou@exemple.fr", commentaire="Depuis la page construite")
    assert fields["jeton"] == ""  # no token in a static page: scrapers get nothing
    # The form's background image, asked for when the reader starts writing, gives the token.
    token_url = token_image(built_site, "formulaire-commentaire")
    config = make_config(tmp_path, built_site, comments={"min_fill_seconds": 0.2})
    with running_service(config) as service, httpx.Client(base_url=service.url) as browser:
        assert browser.get(token_url).status_code == 200
        time.sleep(0.3)
        assert browser.post(form["action"], data=fields).status_code == 303
        [row] = stored(service)
        assert (row["article_slug"], row["status"]) == (slug, "pending")


def test_site_and_service_served_together(comment_config):
    with running_service(comment_config, serve_site=True) as service:
        article = httpx.get(f"{service.url}/articles/premier-article/")
        assert article.status_code == 200 and "premier-article" in article.text
        missing = httpx.get(f"{service.url}/nulle-part/")
        assert missing.status_code == 404 and "Page introuvable" in missing.text
        assert post(service, service.form()).status_code == 303


def test_storage_failure_answers_503_keeping_the_text(comment_service):
    with comment_service.db() as conn:  # break the store under the running service
        conn.execute("ALTER TABLE comments RENAME TO comments_ailleurs")
    response = post(comment_service, comment_service.form(commentaire="À ne pas perdre"))
    assert response.status_code == 503
    doc = page(response)
    assert "incident technique" in doc.find(id="erreurs-commentaire").get_text()
    assert doc.find(id="champ-commentaire").get_text() == "À ne pas perdre"


def test_config_from_env_persists_a_dev_secret_and_parses_lists(tmp_path):
    env = {
        "SERVICE_DATABASE": str(tmp_path / "data" / "c.sqlite3"),
        "COMMENTS_MODERATOR_EMAILS": "a@caf.fr, b@caf.fr",
        "COMMENTS_SPAM_WORDS": "tondeuse,bitcoin",
        "COMMENTS_FLOOD_IP_COUNT": "50",
        "SERVICE_SITE_URL": "https://partenaires.example/",
    }
    first = Settings.from_env(env)
    assert len(first.core.secret_key) >= 32
    # Read back, not regenerated:
    assert Settings.from_env(env).core.secret_key == first.core.secret_key
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0
    assert first.comments.moderator_emails == ["a@caf.fr", "b@caf.fr"]
    assert first.comments.spam_words == ["tondeuse", "bitcoin"]
    assert first.comments.flood_ip_count == 50 and first.comments.min_fill_seconds == 3
    assert first.core.site_url == "https://partenaires.example"
    assert Settings.from_env({**env, "SERVICE_SECRET_KEY": "fixe"}).core.secret_key == "fixe"
