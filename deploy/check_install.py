"""check-install.sh's checks through the installed nginx, in https on 127.0.0.1:443 (the
self-made certificate, the site's name in Host): the page answers with its security headers,
a reader's comment is accepted and its moderators' notice reaches the relay (aiosmtpd here,
with STARTTLS and the same certificate, as the service asks of a relay on another machine),
the first account logs in with the password typed at the install and publishes an article
from the room. Prints one line per check; exits 1 at the first that fails."""

import ssl
import sys
import time

import httpx
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from bs4 import BeautifulSoup

ARTICLE = "/articles/30-ans-caf-essonne/"
MODERATORS = "communication@caf-essonne.fr"
HEADERS = ("content-security-policy", "strict-transport-security", "x-content-type-options")


def fail(what: str, response: httpx.Response | None = None) -> None:
    detail = f" ({response.status_code} {response.url})" if response is not None else ""
    sys.exit(f"ÉCHEC : {what}{detail}")


def fields(page: httpx.Response, action_end: str) -> dict[str, str]:
    """The form's fields as a browser sends them untouched (no button, no unchecked box)."""
    for form in BeautifulSoup(page.text, "html.parser").find_all("form"):
        if not form.get("action", "").endswith(action_end):
            continue
        sent = {}
        for field in form.find_all(["input", "textarea", "select"]):
            kind = field.get("type", "")
            if not field.get("name") or kind in ("submit", "file"):
                continue
            if kind in ("checkbox", "radio") and not field.has_attr("checked"):
                continue
            if field.name == "select":
                options = field.find_all("option")
                chosen = [o for o in options if o.has_attr("selected")] or options[:1]
                sent[field["name"]] = chosen[0].get("value", chosen[0].text) if chosen else ""
            else:
                sent[field["name"]] = field.get("value", field.text.lstrip("\n"))
        return sent
    fail(f"pas de formulaire « {action_end} » sur la page", page)


def publish(web: httpx.Client) -> None:
    """A new article published from the room: the build, the swap of the public folder and
    the content's git commit, all as the service's user in its writable folders only."""
    title = f"Un article publié depuis la salle à {time.strftime('%H h %M min %S s')}"
    form = fields(web.get("/redaction/nouveau"), "nouveau")
    form.update(
        titre=title,
        theme="Solidarité",
        chapo="Le chapô de l’article de l’installation.",
        texte="## Une question ?\n\n**Awa Diallo :**{: .speaker} « Une réponse. »\n",
        action="publier",
        **{"intervenant-1-nom": "Awa Diallo", "intervenant-1-role": "animatrice"},
    )
    job = web.post("/redaction/nouveau", data=form)
    if job.status_code != 303 or "/publications/" not in job.headers["location"]:
        fail("publication refusée", job)
    for _ in range(300):
        if title in web.get("/").text:
            print("OK : article publié depuis la salle, en ligne sur la page d’accueil")
            return
        time.sleep(1)
    page = BeautifulSoup(web.get(job.headers["location"]).text, "html.parser")
    fail("publication pas en ligne après 5 min : " + " ".join(page.get_text().split())[-600:])


class Relay(Sink):
    def __init__(self):
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients += envelope.rcpt_tos
        return "250 OK"


def main(name: str, password: str, cert: str, key: str) -> None:
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    relay = Relay()
    smtp = Controller(relay, hostname="127.0.0.1", port=25, tls_context=tls, require_starttls=True)
    smtp.start()
    web = httpx.Client(base_url="https://127.0.0.1", headers={"Host": name}, verify=False)
    for _ in range(60):  # the service starts (imports, database migrations)
        try:
            if web.get("/commentaires/jeton").status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(1)
    else:
        fail("le service ne répond pas derrière nginx")
    home = web.get("/")
    missing = [h for h in HEADERS if h not in home.headers]
    if home.status_code != 200 or missing:
        fail(f"page d’accueil, en-têtes manquants : {missing}", home)
    print("OK : page d’accueil en https,", ", ".join(HEADERS))
    form = fields(web.get(ARTICLE), "poster")
    time.sleep(3.2)  # a person takes longer than COMMENTS_MIN_FILL_SECONDS
    text = f"Bravo ! ({time.strftime('%H h %M min %S s')})"  # the same text twice is refused
    form.update(nom="Claire Martin", email="claire@mairie.example", commentaire=text)
    posted = web.post("/commentaires/poster", data=form)
    if posted.status_code != 303:
        fail("commentaire refusé", posted)
    print("OK : commentaire reçu (303 vers", posted.headers["location"] + ")")
    for _ in range(60):
        if MODERATORS in relay.recipients:
            break
        time.sleep(1)
    else:
        fail(f"pas d’avis de modération reçu par le relais pour {MODERATORS}")
    print("OK : avis aux modérateurs remis au relais en STARTTLS")
    login = web.get("/redaction/connexion")
    form = fields(login, "connexion")
    form.update(identifiant="prenom.nom", mot_de_passe=password)
    entered = web.post("/redaction/connexion", data=form)
    if entered.status_code != 303 or "connexion" in entered.headers["location"]:
        fail("connexion du premier compte refusée", entered)
    if web.get(entered.headers["location"]).status_code != 200:
        fail("page de l’équipe après connexion")
    print("OK : connexion de prenom.nom avec le mot de passe de l’installation")
    publish(web)


if __name__ == "__main__":
    main(*sys.argv[1:5])
