"""The room's builds, run by Pelican in a process of their own:
`python -m service.room.publishing.builder serve`.

The service never reads the settings files itself: it asks this process, which runs the build
exactly as `invoke publish` would (Pelican, the settings file, its plugins), in the settings
file's folder. A separate process because a build holds the interpreter for its whole length
(the service must keep answering readers) and because a failing or leaking build must not take
the service down.

- `serve`: one JSON request per line on stdin, one JSON answer per line on stdout; kept running
  by building.BuildWorker, so Pelican and the plugins are imported once (a preview of the
  launch site takes about 0.2 s warm instead of 1.1 s in a fresh process). Requests:
  `describe` (what the editor offers: thèmes, statuses, slug rules, time zone) and `preview`
  (build the previewed article with its neighbours and the pages into a preview folder, the
  previewed file shown as published), and `publish` (trees.py: an incremental build into the
  standby tree, checked, swapped with the public one; one progress line per stage). The service
  keeps one such process for previews and another for publications.

Pelican prints to stdout: answers go to a copy of it, and file descriptor 1 to stderr.
"""

import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from pelican import Pelican, signals
from pelican.contents import Article
from pelican.settings import read_settings
from pelican.utils import order_content

from service.room.publishing import trees
from service.room.publishing.swap import swap_in
from site_core.content.rules import reserved_slugs
from site_core.paths import MANIFEST_NAME

_shown: dict = {"source": None, "content": None}  # the file a preview shows as published
_leftovers: list[Path] = []  # previous preview trees, swapped out


def _show_as_published(generator) -> None:
    source, found = _shown["source"], None
    for group in ("drafts", "draft_pages"):
        items = getattr(generator, group, None)
        if source and items:
            found = next((item for item in items if item.source_path == source), None)
            if found:
                items.remove(found)
                break
    if found is None:
        return
    found.status = "published"
    _shown["content"] = found
    if isinstance(found, Article):
        generator.articles = order_content(
            [*generator.articles, found], generator.settings["ARTICLE_ORDER_BY"]
        )
    else:
        generator.pages = [*generator.pages, found]


signals.article_generator_pretaxonomy.connect(_show_as_published)
signals.page_generator_finalized.connect(_show_as_published)


def settings_for(request: dict, output: Path | None = None) -> dict:
    """The build's settings, with the room's folders (content, output, cache, database)."""
    settings_file = Path(request["settings"])
    os.chdir(settings_file.parent)  # publishconf.py imports pelicanconf from its folder
    override = {
        "PATH": request["content"],
        "CACHE_PATH": request["cache"],
        "COMMENTS_DB": request.get("database", ""),
    }
    if output is not None:
        override["OUTPUT_PATH"] = str(output)
    if request.get("siteurl"):
        override["SITEURL"] = request["siteurl"]
    if request.get("op") == "preview":
        override["SEARCH_INDEX"] = False  # a preview's frame runs no script: no search
    return read_settings(str(settings_file), override=override)


def describe(request: dict) -> dict:
    settings = settings_for(request)
    return {
        "ok": True,
        "categories": list(settings.get("ALLOWED_CATEGORIES") or []),
        "statuses": list(settings.get("ALLOWED_STATUSES") or ["published", "draft", "hidden"]),
        "slug_subs": [list(pair) for pair in settings.get("SLUG_REGEX_SUBSTITUTIONS", [])],
        "timezone": settings.get("TIMEZONE") or "UTC",
        "summary_length": settings.get("FEEDS_SUMMARY_LENGTH", 300),
        "image_min_size": list(settings.get("IMAGES_MIN_SIZE", (320, 120))),
        "portrait_min_size": settings.get("IMAGES_PORTRAIT_MIN_SIZE", 160),
        "reserved_slugs": reserved_slugs(settings),
    }


def build(settings: dict) -> dict:
    """Run one build; problems come back as the build's French messages."""
    started = time.monotonic()
    try:
        Pelican(settings).run()
    except Exception as error:
        return {"ok": False, "errors": errors_of(error)}
    return {"ok": True, "seconds": round(time.monotonic() - started, 3)}


def errors_of(error: Exception) -> list[str]:
    """A failed build's French messages: content errors carry their own listing."""
    traceback.print_exception(error)
    lines = [line[4:] for line in str(error).splitlines() if line.startswith("  - ")]
    return lines or [_failure(error)]


def _failure(error: Exception) -> str:
    """An error no check of the build explains, in French first: what to do, then the library's
    own words (Python, lxml, Pelican) as a detail for whoever maintains the site."""
    return (
        "La construction du site s’est arrêtée sur une erreur imprévue. Si un article ou une "
        "page vient d’être modifié, vérifiez son titre, son chapô et son texte (un caractère "
        "invisible collé depuis un traitement de texte peut en être la cause) ; sinon "
        "réessayez, et si cela recommence, transmettez ce message à la personne qui s’occupe "
        f"du site. Détail technique : {type(error).__name__} : {error}"
    )[:2000]


def publish(request: dict, say) -> dict:
    """Publish the content folder as it is (trees.py), with the production settings."""
    return trees.publish(request, say, settings_for(request), errors_of)


def preview_content(request: dict) -> Path:
    """The content a preview builds: every folder of the content as it is (pages, images…), but
    of the articles only the previewed one and those given with it (its neighbours), as
    symbolic links. A preview then costs the same at 1,000 articles as at 5, and the article's
    page is the one the whole site would have: same theme, plugins, menu, neighbours."""
    content, output = Path(request["content"]), Path(request["output"])
    view = output.with_name(output.name + ".source") / content.name  # messages name content/…
    shutil.rmtree(view.parent, ignore_errors=True)
    (view / "articles").mkdir(parents=True)
    for entry in content.iterdir():
        if entry.name != "articles":
            (view / entry.name).symlink_to(entry)
    for relative in {request["source"], *request.get("with", [])}:
        if relative.startswith("articles/") and (content / relative).is_file():
            (view / relative).symlink_to(content / relative)
    return view


def preview(request: dict) -> dict:
    """Build the preview into a fresh folder, then swap it in place of the previous one."""
    output = Path(request["output"])
    fresh = output.with_name(output.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    view = preview_content(request)
    request = {**request, "content": str(view)}
    _shown["source"] = os.path.join(view, request["source"])  # as Pelican names it: not resolved
    _shown["content"] = None
    try:
        result = build(settings_for(request, fresh))
    finally:
        _shown["source"] = None
    if not result["ok"]:
        shutil.rmtree(fresh, ignore_errors=True)
        return result
    shown = _shown["content"]
    result["url"] = shown.url if shown is not None else _url_of(request, fresh)
    old = swap_in(fresh, output)
    if old is not None:
        _leftovers.append(old)  # removed once the answer is sent (a tenth of a second)
    return result


def remove_leftovers() -> None:
    while _leftovers:
        shutil.rmtree(_leftovers.pop(), ignore_errors=True)


def _url_of(request: dict, output: Path) -> str:
    """A published or hidden file's page, from the manifest (its slug) or its own folder."""
    manifest = json.loads((output / MANIFEST_NAME).read_text(encoding="utf-8"))
    slug = Path(request["source"]).stem
    for entry in manifest.get("articles", {}).values():
        if entry["slug"] == slug or Path(entry["save_as"]).parent.name == slug:
            return entry["url"]
    return f"{slug}/"


def main(argv: list[str]) -> int:
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)

    def say(message: dict) -> None:
        answers.write(json.dumps(message, ensure_ascii=False) + "\n")
        answers.flush()

    operations = {
        "describe": describe,
        "preview": preview,
        "publish": lambda request: publish(request, say),  # says each stage as it goes
    }
    for line in sys.stdin:
        request = json.loads(line)
        try:
            say(operations[request["op"]](request))
        except Exception as error:
            traceback.print_exc()
            say({"ok": False, "errors": [_failure(error)]})
        remove_leftovers()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
