"""What a page may carry: the allow-list of article markup and the site's Content-Security-Policy.

Writers type Markdown, and Markdown passes raw HTML through: without a policy, a rédaction
account's `<script>` ran with the session of whoever read the article (issue 19). Two locks, one
home: `clean_html` keeps only the markup the site's own Markdown and plugins produce (figures,
pictures, tables, footnotes, abbreviations, anchors…), and `SITE_POLICY` forbids any script but
the site's own files, in every built page (`<meta>`) and from the service (`SITE_POLICY_HEADER`).
"""

import html
import re
from urllib.parse import urlsplit

import nh3

# Attributes allowed on any element (aria-* too, below).
_COMMON = {"id", "class", "title", "lang", "dir", "role", "hidden"}
_MEDIA = {"srcset", "sizes", "width", "height", "type", "media"}
ATTRIBUTES = {
    "a": {"href", "hreflang", "rel", "type", "download"},
    "abbr": set(),
    "blockquote": {"cite"},
    "col": {"span"},
    "colgroup": {"span"},
    "del": {"cite", "datetime"},
    "details": {"open"},
    "img": {"src", "alt", "loading", "decoding", "fetchpriority"} | _MEDIA,
    "ins": {"cite", "datetime"},
    "li": {"value"},
    "ol": {"start", "reversed", "type"},
    "q": {"cite"},
    "source": _MEDIA,
    "td": {"colspan", "rowspan", "headers", "style"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr", "style"},
    "time": {"datetime"},
}
TAGS = set(ATTRIBUTES) | {
    "article", "aside", "b", "br", "caption", "cite", "code", "dd", "dfn", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "mark",
    "p", "picture", "pre", "s", "samp", "section", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "tfoot", "thead", "tr", "u", "ul", "var", "wbr",
}  # fmt: skip
# Markdown's tables align columns with style="text-align: …": the only property kept, then
# made a class (`aligne-…`, in site.css), since the site's CSP allows no style attribute.
STYLE_PROPERTIES = {"text-align"}
_CELL = re.compile(r"<t[hd]\b[^>]*>")
_ALIGNMENT = re.compile(r' style="text-align:\s*(left|right|center|justify);?"')
_CLASS = re.compile(r' class="([^"]*)"')
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Pelican resolves its own links (`{filename}…`, `{static}…`, `{index}`, `{tag}…`, or between
# `|`) when it writes the page, after this cleaner, keeping the scheme of what follows the
# marker: « {index}javascript:x?%0A… » became « javascript:https://…/index.html?%0A… ».
_SITE_LINK = re.compile(r"[{|].*?[|}]")  # Pelican's INTRASITE_LINK_REGEX
_SITE_LINK_ATTRIBUTES = ("href", "src", "poster", "data", "cite", "formaction", "action", "content")


def _no_scheme_after_site_link(_element: str, attribute: str, value: str) -> str | None:
    """An attribute kept as it is, but a site link followed by an address with a scheme."""
    marker = _SITE_LINK.match(value)
    if not marker or not attribute.endswith(_SITE_LINK_ATTRIBUTES):  # those Pelican rewrites
        return value
    try:
        return None if urlsplit(value[marker.end() :]).scheme else value
    except ValueError:  # « x://[ »: no address at all
        return None


_CLEANER = nh3.Cleaner(
    tags=TAGS,
    attributes={tag: attrs | _COMMON for tag, attrs in ATTRIBUTES.items()} | {"*": _COMMON},
    generic_attribute_prefixes={"aria-"},
    url_schemes=URL_SCHEMES,
    link_rel=None,  # rel as written: the site's links are its own
    filter_style_properties=STYLE_PROPERTIES,
    strip_comments=False,  # inert, and plugins mark places with them (« liste-des-flux »)
    attribute_filter=_no_scheme_after_site_link,
)


def clean_html(markup: str) -> str:
    """`markup` with only allowed elements, attributes and URL schemes; script and style
    elements go with their content. No-break spaces stay characters (French typography)."""
    if not markup:
        return markup
    cleaned = _CLEANER.clean(markup).replace("&nbsp;", "\u00a0")
    if 'style="' not in cleaned:
        return cleaned
    cleaned = _CELL.sub(_aligned, cleaned)
    return re.sub(r' style="[^"]*"', "", cleaned)  # any other style: nothing the policy allows


def _aligned(match: re.Match) -> str:
    """A table cell's alignment as a class, joined to the class it may have."""
    tag = match.group(0)
    align = _ALIGNMENT.search(tag)
    if align is None:
        return tag
    tag = tag.replace(align.group(0), "", 1)
    name = f"aligne-{align.group(1)}"
    if _CLASS.search(tag):
        return _CLASS.sub(lambda m: f' class="{name} {m.group(1)}"', tag, count=1)
    return tag[:-1] + f' class="{name}">'


_MARKUP = re.compile(r"[<>]")


def plain_text(value: str) -> str:
    """A field shown as written (title, names, roles, tags): templates print it as HTML, so a
    `<` or `>` in it, typed or as an entity, is escaped; anything else is left as typed."""
    if not isinstance(value, str) or not _MARKUP.search(html.unescape(value)):
        return value
    return html.escape(html.unescape(value), quote=False)


# The site's Content-Security-Policy. Scripts: the site's own files only (no inline script;
# JSON-LD is data, not run); 'wasm-unsafe-eval' lets the search page compile Pagefind's
# WebAssembly, never JavaScript. Styles: the site's files only (the forms' token images are
# in site.css, the feeds' page has flux.css, table alignment is a class: `clean_html`).
SITE_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
    "style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)
# As a header too: frame-ancestors is ignored in a <meta> (no page of the site may be framed).
SITE_POLICY_HEADER = SITE_POLICY + "; frame-ancestors 'none'"
