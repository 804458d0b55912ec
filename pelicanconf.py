"""Pelican settings for local work (`invoke build`, `invoke livereload`).

`publishconf.py` overrides what differs in production.
"""

from pathlib import Path

from site_core.content.policy import SITE_POLICY
from site_core.paths import DEFAULT_DATABASE, SHELL_NAME

ROOT = Path(__file__).resolve().parent

SITENAME = "Caf de l’Essonne — Partenaires"
SITE_DESCRIPTION = (
    "Entretiens et actualités de la Caf de l’Essonne pour ses partenaires : "
    "communes, intercommunalités, associations et structures d’accueil."
)
SITEURL = ""
PATH = "content"
THEME = "theme"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
# Dates are formatted with Babel in French by the french_dates plugin, never by the machine locale.
DEFAULT_DATE = None

ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]

# Thèmes (Pelican categories) an article may use: anything else fails the build.
ALLOWED_CATEGORIES = [
    "Vie de la Caf",
    "Partenariats et territoires",
    "Services aux allocataires",
    "Petite enfance et jeunesse",
    "Solidarité",
]
ALLOWED_STATUSES = ["published", "draft", "hidden"]
# A published article dated in the future stays off the site until that time (it is built as a
# draft); the writing room's scheduler publishes it then (« programmé »).
WITH_FUTURE_DATES = False
# A missing Category is an error, never the folder name or a default.
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "(aucun thème)"

# Stable, readable French URLs; an apostrophe separates words in slugs (« l’accueil » → l-accueil).
SLUG_REGEX_SUBSTITUTIONS = [
    (r"[’']", "-"),
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
]
ARTICLE_URL = "articles/{slug}/"
ARTICLE_SAVE_AS = "articles/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "themes/{slug}/"
CATEGORY_SAVE_AS = "themes/{slug}/index.html"
CATEGORIES_URL = "themes/"
CATEGORIES_SAVE_AS = "themes/index.html"
TAG_URL = "mots-cles/{slug}/"
TAG_SAVE_AS = "mots-cles/{slug}/index.html"
TAGS_URL = "mots-cles/"
TAGS_SAVE_AS = "mots-cles/index.html"
AUTHOR_URL = "intervenants/{slug}/"
AUTHOR_SAVE_AS = "intervenants/{slug}/index.html"
AUTHORS_URL = "intervenants/"
AUTHORS_SAVE_AS = "intervenants/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
# Drafts (and articles dated in the future, which Pelican turns into drafts) are read, so the
# build checks them and the writing room's preview can show one as published, but no build
# writes them: what is in the output is what readers may see (issue 18).
DRAFT_URL = DRAFT_SAVE_AS = DRAFT_LANG_URL = DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_URL = DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_URL = DRAFT_PAGE_LANG_SAVE_AS = ""
INDEX_SAVE_AS = "index.html"

DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None, "archives": 50}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives", "comment_shell", "search"]
# The page the comment service fills with its forms and messages (theme comment_shell.html).
COMMENT_SHELL_SAVE_AS = SHELL_NAME
# The « Rechercher » page (theme search.html), the header's search field posts to it; the
# search index, written by plugins/search with Pagefind, goes into SEARCH_BUNDLE/.
SEARCH_URL = "recherche/"
SEARCH_SAVE_AS = "recherche/index.html"
SEARCH_BUNDLE = "pagefind"
# Pages linked from the main menu, by slug, in order.
MENU_PAGES = ["a-propos", "s-abonner"]
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False

# Pelican's own feed writer is off: the feeds plugin writes them with feedgen.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None

MARKDOWN = {
    "extension_configs": {
        # extra includes attr_list, used to mark speakers: **Nom :**{: .speaker}.
        # Heading ids for the « Sommaire » come from plugins/interview_toc.
        "markdown.extensions.extra": {},
    },
    "output_format": "html5",
}

# Acronyms explained under each article that uses them, « Sigles : … » (plugins/glossary): the
# search then finds the article by the words of the meaning too (« crèches » finds « Eaje »).
# Add an entry when an interview uses a new acronym.
GLOSSARY = {
    "Cnaf": "Caisse nationale des allocations familiales",
    "Cog": "convention d’objectifs et de gestion",
    "Ctg": "convention territoriale globale",
    "Cej": "contrat enfance jeunesse",
    "Eaje": "établissement d’accueil du jeune enfant (crèche, multi-accueil, halte-garderie)",
    "Laep": "lieu d’accueil enfants-parents",
    "Mds": "maison départementale des solidarités",
    "Ram": "relais assistants maternels, aujourd’hui relais petite enfance",
    "Sdaf": "schéma départemental des services aux familles",
}

# Every page says what it may run (base.html's <meta>): the site's own scripts only, whatever
# web server sends it; the service sends it as a header too (site_core.content.policy).
CONTENT_SECURITY_POLICY = SITE_POLICY

PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "fast_build",
    "content_validation",
    "speakers",
    "french_dates",
    "french_typography",
    "glossary",
    "interview_toc",
    "images",
    "share_cards",
    "seo",
    "neighbours",
    "comments",
    "feeds",
    "letters",
    "search",
    "rgaa_statement",
    # Last: it keeps, of the HTML every plugin above wrote, only what the allow-list allows.
    "sanitize",
]

# The RGAA audit (audit/rgaa/) the accessibility statement and the footer are generated from
# (plugins/rgaa_statement).
RGAA_AUDIT = str(ROOT / "audit" / "rgaa")
# Read by plugins into every page: an incremental build starts afresh when they change.
BUILD_DATA_SETTINGS = ["RGAA_AUDIT"]

# Images (plugins/images): content images and portraits become <picture> elements with AVIF,
# WebP and JPEG/PNG files in these widths (px, never wider than the source). The encoded files
# are cached by content hash in IMAGES_CACHE_PATH (default: CACHE_PATH/images, outside output/).
IMAGES_WIDTHS = [360, 720, 1080, 1440]
# The text column (.entretien, .page: 44rem) and the page margins on small screens (.wrap: 2 ×
# 1rem), in CSS px, for the `sizes` attribute.
IMAGES_COLUMN_PX = 704
IMAGES_GUTTER_PX = 32
# Smaller content images are refused: blurry on any phone (the column is 358 px wide at 390).
IMAGES_MIN_SIZE = (320, 120)
# Larger sources are refused before decoding (decompression bombs): 64 Mpx = 8000 × 8000.
IMAGES_MAX_PIXELS = 64_000_000
# Portraits: square, shown 3.5 to 8rem wide (56 to 128 px) at up to 3 device pixels per px.
IMAGES_PORTRAIT_WIDTHS = [64, 128, 192, 256, 384]
IMAGES_PORTRAIT_MIN_SIZE = 160

# Share cards (plugins/share_cards): the line at the top of every drawn card, and the title of
# the card shared by list pages (home, thèmes, mots-clés, intervenants, archives).
SHARE_CARDS_SITE_LINE = "Caf de l’Essonne — Le site des partenaires"
SHARE_CARDS_SITE_TITLE = "Entretiens et actualités pour les partenaires de la Caf de l’Essonne"

# The publisher named in each article's JSON-LD (plugins/seo).
SEO_PUBLISHER = "Caf de l’Essonne"

# Comments: approved comments are read from this SQLite file at build time (absent = no comments).
COMMENTS_DB = str(ROOT / DEFAULT_DATABASE)
# Where the article comment forms post to (the comment service, same origin): COMMENTS_ENDPOINT,
# imported above from site_core.paths, its one home.

# Feeds (written by plugins/feeds).
FEED_MAX_ITEMS = 20
# Where each feed is written: {format} is "rss" or "atom", {slug} the thème's slug.
FEEDS_ALL_SAVE_AS = "flux/tous.{format}.xml"
FEEDS_CATEGORY_SAVE_AS = "flux/themes/{slug}.{format}.xml"
FEEDS_COMMENTS_SAVE_AS = "flux/commentaires.{format}.xml"
# Length, in characters, of the chapô derived from the text of an article without Summary.
FEEDS_SUMMARY_LENGTH = 300

# Processes that read articles and render pages (plugins/fast_build): the processors this
# machine gives the build when unset; 1 builds sequentially, as Pelican alone does.
BUILD_WORKERS = None

RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = False
LOAD_CONTENT_CACHE = False
