"""An offline feed checker: the W3C Feed Validator's rules for RSS 2.0 and Atom (well-formed
XML, required elements, dates, absolute URLs, guid and self links, unsafe markup), plus
feedparser with no bozo. `feed_problems(path, site_dir)` lists what is wrong with one feed."""

import email.utils
import functools
import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import feedparser
from bs4 import BeautifulSoup
from lxml import etree
from lxml import html as lhtml

SITE_URL = "https://partenaires.example.fr"
PARIS = ZoneInfo("Europe/Paris")
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
A = functools.partial("{{{}}}{}".format, ATOM)

RSS_CHANNEL = {"title", "link", "description", "language", "copyright", "managingEditor",
               "webMaster", "pubDate", "lastBuildDate", "category", "generator", "docs", "cloud",
               "ttl", "image", "rating", "textInput", "skipHours", "skipDays", "item"}  # fmt: skip
RSS_ITEM = {"title", "link", "description", "author", "category", "comments", "enclosure", "guid",
            "pubDate", "source"}  # fmt: skip
REPEATABLE = {"category", "item"}
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d\d:\d\d:\d\d [+-]\d{4}$"
)
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
URL_ATTRIBUTES = {"href", "src", "srcset", "poster", "cite", "action", "data", "longdesc"}
UNSAFE_TAGS = {"script", "iframe", "embed", "object", "applet", "form", "meta", "link", "style",
               "frame", "frameset", "base"}  # fmt: skip


# --- the W3C-style checker ------------------------------------------------------------------


def _url_problem(url, where):
    parts = urlsplit((url or "").strip())
    if parts.scheme in ("mailto", "tel"):
        return []
    if parts.scheme != "https" or not parts.netloc:
        return [f"{where}: not an absolute https URL: {url!r}"]
    return []


def _html_problems(markup, where):
    """Relative or fragment-only URLs and unsafe markup in escaped HTML content."""
    problems = []
    for fragment in lhtml.fragments_fromstring(markup or "") if (markup or "").strip() else []:
        if not isinstance(fragment, etree._Element):
            continue
        for element in fragment.iter(etree.Element):
            if element.tag in UNSAFE_TAGS:
                problems.append(f"{where}: unsafe <{element.tag}>")
            for name, value in element.attrib.items():
                if name.startswith("on") or name in ("style", "hidden"):
                    problems.append(f"{where}: attribute {name} on <{element.tag}>")
                if name in URL_ATTRIBUTES:
                    problems += _url_problem(value.split()[0] if value.strip() else "", where)
    return problems


def _date_problems(value, where, rss):
    """RFC 822 (RSS) or RFC 3339 (Atom), right weekday, Paris offset, not in the future."""
    if not (RFC822 if rss else RFC3339).match(value or ""):
        return [f"{where}: not an RFC {'822' if rss else '3339'} date: {value!r}"]
    if rss:
        moment = email.utils.parsedate_to_datetime(value)
        if moment.strftime("%a") != value[:3]:
            return [f"{where}: wrong day of week in {value!r}"]
    else:
        moment = datetime.fromisoformat(value)
    problems = []
    if moment.utcoffset() != moment.astimezone(PARIS).utcoffset():
        problems.append(f"{where}: offset is not Paris time: {value!r}")
    if moment > datetime.now(UTC) + timedelta(days=1):
        problems.append(f"{where}: date in the future: {value!r}")
    return problems


def _self_problems(links, expected, media_type, where):
    selves = [link for link in links if link.get("rel") == "self"]
    if len(selves) != 1:
        return [f"{where}: {len(selves)} rel=self links"]
    problems = []
    if selves[0].get("href") != expected:
        problems.append(f"{where}: self is {selves[0].get('href')!r}, expected {expected!r}")
    if selves[0].get("type") != media_type:
        problems.append(f"{where}: self type is {selves[0].get('type')!r}")
    return problems


def _rss_problems(root, expected_self):
    problems = [] if root.get("version") == "2.0" else ["rss: version is not 2.0"]
    (channel,) = root.findall("channel")
    names = [child.tag for child in channel if isinstance(child.tag, str) and "}" not in child.tag]
    problems += [f"channel: unknown <{n}>" for n in set(names) - RSS_CHANNEL]
    problems += [f"channel: <{n}> repeated" for n in set(names) - REPEATABLE if names.count(n) > 1]
    for required in ("title", "link", "description"):
        if not (channel.findtext(required) or "").strip():
            problems.append(f"channel: <{required}> missing or blank")
    problems += _url_problem(channel.findtext("link"), "channel/link")
    if channel.findtext("language") != "fr-FR":
        problems.append(f"channel: language is {channel.findtext('language')!r}")
    problems += _self_problems(
        channel.findall(A("link")), expected_self, "application/rss+xml", "channel"
    )
    problems += _date_problems(channel.findtext("lastBuildDate"), "channel/lastBuildDate", True)
    image = channel.find("image")
    if image is None or any(image.find(n) is None for n in ("url", "title", "link")):
        problems.append("channel: <image> missing or incomplete")
    else:
        problems += _url_problem(image.findtext("url"), "channel/image/url")
        if int(image.findtext("width", "88")) > 144 or int(image.findtext("height", "31")) > 400:
            problems.append("channel/image: larger than RSS allows")
    guids = set()
    for number, item in enumerate(channel.findall("item"), 1):
        where = f"item[{number}]"
        names = [child.tag for child in item if isinstance(child.tag, str) and "}" not in child.tag]
        problems += [f"{where}: unknown <{n}>" for n in set(names) - RSS_ITEM]
        problems += [
            f"{where}: <{n}> repeated" for n in set(names) - REPEATABLE if names.count(n) > 1
        ]
        link, guid = item.findtext("link"), item.find("guid")
        problems += _url_problem(link, f"{where}/link")
        if guid is None or guid.get("isPermaLink") != "true" or guid.text != link:
            problems.append(f"{where}: guid must be the permalink with isPermaLink=true")
        elif guid.text in guids:
            problems.append(f"{where}: duplicate guid {guid.text}")
        else:
            guids.add(guid.text)
        problems += _date_problems(item.findtext("pubDate"), f"{where}/pubDate", True)
        if item.find("author") is not None:
            problems.append(f"{where}: <author> must be an e-mail (names go to dc:creator)")
        if not item.findall(f"{{{DC}}}creator"):
            problems.append(f"{where}: no dc:creator")
        description = item.find("description")
        if description is None or len(description):
            problems.append(f"{where}: description missing or not escaped")
        else:
            problems += _html_problems(description.text, f"{where}/description")
        problems += _html_problems(item.findtext(f"{{{CONTENT}}}encoded"), f"{where}/content")
    return problems


def _atom_problems(root, expected_self):
    problems = [] if root.get(XML_LANG) == "fr-FR" else ["feed: xml:lang is not fr-FR"]
    for required in ("id", "title", "updated"):
        if len(root.findall(A(required))) != 1:
            problems.append(f"feed: needs exactly one <{required}>")
    problems += _url_problem(root.findtext(A("id")), "feed/id")
    problems += _date_problems(root.findtext(A("updated")), "feed/updated", False)
    links = root.findall(A("link"))
    problems += _self_problems(links, expected_self, "application/atom+xml", "feed")
    alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
    problems += [] if alternates else ["feed: no rel=alternate link"]
    for link in links:
        problems += _url_problem(link.get("href"), "feed/link")
    for image in ("logo", "icon"):
        problems += _url_problem(root.findtext(A(image)), f"feed/{image}")
    ids = set()
    for number, entry in enumerate(root.findall(A("entry")), 1):
        where = f"entry[{number}]"
        for required in ("id", "title", "updated", "published", "content", "summary"):
            if len(entry.findall(A(required))) != 1:
                problems.append(f"{where}: needs exactly one <{required}>")
        entry_id = entry.findtext(A("id"))
        problems += _url_problem(entry_id, f"{where}/id")
        if entry_id in ids:
            problems.append(f"{where}: duplicate id {entry_id}")
        ids.add(entry_id)
        for link in entry.findall(A("link")):
            problems += _url_problem(link.get("href"), f"{where}/link")
        published, updated = entry.findtext(A("published")), entry.findtext(A("updated"))
        problems += _date_problems(published, f"{where}/published", False)
        problems += _date_problems(updated, f"{where}/updated", False)
        if not problems and datetime.fromisoformat(updated) < datetime.fromisoformat(published):
            problems.append(f"{where}: updated before published")
        names = [author.findtext(A("name")) for author in entry.findall(A("author"))]
        if not names or not all(names):
            problems.append(f"{where}: every entry needs an author with a name")
        for author in entry.findall(A("author")):
            if author.find(A("uri")) is not None:
                problems += _url_problem(author.findtext(A("uri")), f"{where}/author/uri")
        for construct in ("content", "summary", "title"):
            element = entry.find(A(construct))
            if element is not None and element.get("type", "text") not in ("text", "html"):
                problems.append(f"{where}/{construct}: unexpected type {element.get('type')}")
            if element is not None and element.get("type") == "html":
                problems += _html_problems(element.text, f"{where}/{construct}")
    return problems


def feed_problems(path, site_dir):
    """Every error and warning the strict offline checks find in one feed file."""
    raw = path.read_bytes()
    head = raw.split(b"\n", 2)
    if not head[0].startswith(b"<?xml") or b"encoding='UTF-8'" not in head[0]:
        return ["file: no XML declaration with UTF-8 encoding"]
    problems = [] if head[1].startswith(b'<?xml-stylesheet type="text/xsl"') else ["no XSLT"]
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    root = etree.fromstring(raw, parser)
    parsed = feedparser.parse(raw)
    if parsed.bozo:
        problems.append(f"feedparser: bozo {parsed.bozo_exception!r}")
    expected_self = f"{SITE_URL}/{path.relative_to(site_dir).as_posix()}"
    if root.tag == "rss":
        problems += [] if parsed.version == "rss20" else [f"feedparser: {parsed.version}"]
        return problems + _rss_problems(root, expected_self)
    problems += [] if parsed.version == "atom10" else [f"feedparser: {parsed.version}"]
    return problems + _atom_problems(root, expected_self)


def feed_files(site_dir):
    return sorted((site_dir / "flux").rglob("*.xml"))


def alternate_links(page):
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return {
        link["href"]: (link["type"], link["title"])
        for link in soup.head.find_all("link", rel="alternate")
    }


# Spaces French typography replaces with no-break ones (site_core.typography).
UNTYPESET = re.compile(r" [;:!?»]|« ")


def untypeset_texts(path) -> list[str]:
    """The feed's titles, descriptions and summaries that miss a no-break space."""
    parsed = feedparser.parse(path.read_bytes())
    texts = [parsed.feed.title, parsed.feed.get("subtitle", "")]
    texts += [text for e in parsed.entries for text in (e.title, html.unescape(e.summary))]
    return [text for text in texts if UNTYPESET.search(text)]
