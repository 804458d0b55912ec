"""Pages written in a batch: rendered by forked workers, or skipped when their inputs are the
previous build's.

`BatchWriter` is Pelican's Writer (returned through the `get_writer` signal). Outside a batch it
writes as Pelican does. Inside one (`ArticlesGenerator.generate_pages`, the articles and every
list page), `write_file` only lists the pages to write, with the same pagination and the same
overwrite checks as Pelican's; `flush`, still inside `generate_pages`, renders them (split across
forked workers when there are enough), then sends `content_written` for every page in Pelican's
order, from the build process. So plugins see the signals they would see in a sequential build,
with every page on disk, before `article_writer_finalized`.

On an incremental build each page gets a fingerprint (fingerprints.py); a page whose
fingerprint is the previous build's and whose file is still there is not rendered again.
`content_written` is still sent for it: the file on disk is that page, up to date.
"""

import logging
import os
from dataclasses import dataclass
from functools import partial

from pelican.contents import Content
from pelican.paginator import Paginator
from pelican.plugins import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from site_core.build import pool
from site_core.build.fingerprints import Unstable, blake

logger = logging.getLogger(__name__)

MIN_PARALLEL_PAGES = 48
RENDER_CHUNK = 24


@dataclass
class Job:
    """One page to write. Its context is made when needed (to fingerprint it, render it, send
    content_written) rather than kept: at 5,000 articles, one copy of the shared context per
    page would hold 180 MB."""

    path: str  # absolute path of the file
    template: object
    context: dict  # the generator's shared context (Pelican sets its localsiteurl per page)
    shared: dict  # that context as it was when the batch began
    name: str
    kwargs: dict
    relative_urls: bool

    @property
    def local(self) -> dict:
        """What the template is rendered with, as Pelican's Writer builds it."""
        local = self.shared.copy()
        local["localsiteurl"] = local.get("localsiteurl", None)
        if self.relative_urls:
            relative_url = path_to_url(get_relative_path(self.name))
            local["SITEURL"] = relative_url
            local["localsiteurl"] = relative_url
        local["output_file"] = self.name
        local.update(self.kwargs)
        return local


class BatchWriter(Writer):
    """Pelican's Writer, able to defer and share out the pages of a batch."""

    build = None  # the current build (site_core.build.Build), set before Pelican creates us

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings)
        self.jobs: list[Job] | None = None
        self._shared: dict[int, dict] = {}

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        if self.jobs is None or not name:
            return super().write_file(
                name, template, context, relative_urls, paginated, template_name,
                override_output, url, **kwargs,
            )  # fmt: skip
        if paginated is None:
            paginated = {key: kwargs[key] for key in ("articles", "dates") if key in kwargs}
        if not (paginated and template_name in self.settings["PAGINATED_TEMPLATES"]):
            self._add(name, template, context, kwargs, relative_urls, override_output)
            return
        per_page = (
            self.settings["PAGINATED_TEMPLATES"][template_name]
            or self.settings["DEFAULT_PAGINATION"]
        )
        paginators = {
            key: Paginator(name, url, value, self.settings, per_page)
            for key, value in paginated.items()
        }
        for number in range(next(iter(paginators.values())).num_pages):
            page_kwargs = kwargs.copy()
            for key, paginator in paginators.items():
                page = paginator.page(number + 1)
                page_kwargs.update(
                    {
                        f"{key}_paginator": paginator,
                        f"{key}_page": page,
                        f"{key}_previous_page": paginator.page(number) if number > 0 else None,
                        f"{key}_next_page": (
                            paginator.page(number + 2) if number + 1 < paginator.num_pages else None
                        ),
                    }
                )
            self._add(page.save_as, template, context, page_kwargs, relative_urls, override_output)

    def _add(self, name, template, context, kwargs, relative_urls, override) -> None:
        path = self._claim(sanitised_join(self.output_path, name), override)
        if path == os.devnull:
            return
        if id(context) not in self._shared:
            self._shared[id(context)] = context.copy()
        shared = self._shared[id(context)]
        self.jobs.append(Job(path, template, context, shared, name, kwargs, relative_urls))

    def _claim(self, filename, override) -> str:
        """Pelican's overwrite rules (Writer._open_w), without opening the file yet."""
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
                )
            logger.info('Skipping "%s", not overwriting', filename)
            return os.devnull
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it '
                "previously (set `override=True` if intended)"
            )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return filename

    def batch(self, generate):
        """Run `generate(self)` with its pages collected, then write them all."""
        self.jobs, self._shared = [], {}
        try:
            generate(self)
            jobs = self.jobs
        finally:
            self.jobs = None
        self.flush(jobs)

    def flush(self, jobs: list[Job]) -> None:
        build = self.build
        todo = list(range(len(jobs)))
        if build is not None and build.outputs is not None:
            # The pages of the articles just read first: on a live preview, the page being
            # edited is on disk before the fingerprints of the other pages are computed.
            fresh = build.fresh_contents()
            first = [i for i in todo if id(jobs[i].kwargs.get("article")) in fresh]
            for i in first:
                build.outputs.changed(jobs[i], self._fingerprint(jobs[i]))
                _render(jobs[i])
            done = set(first)
            todo = [
                i
                for i in todo
                if i not in done and build.outputs.changed(jobs[i], self._fingerprint(jobs[i]))
            ]
            build.rendered.update(jobs[i].path for i in first)
        workers = build.workers if build is not None else 1
        if workers > 1 and len(todo) >= MIN_PARALLEL_PAGES:
            for template in {id(jobs[i].template): jobs[i].template for i in todo}.values():
                build.template_names.load(template.environment, template.name)
            chunks = [
                [todo[i] for i in chunk] for chunk in pool.chunked(len(todo), workers, RENDER_CHUNK)
            ]
            pool.run(partial(_render_chunk, jobs), chunks, workers, share=True)
        else:
            for i in todo:
                _render(jobs[i])
        if build is not None:
            build.rendered.update(jobs[i].path for i in todo)
            build.pages.update(job.path for job in jobs)
        for job in jobs:
            logger.info('Writing "%s"', job.path)
            signals.content_written.send(job.path, context=job.local)

    def _fingerprint(self, job: Job) -> bytes | None:
        build = self.build
        template = job.template
        names = build.names.get(template.name, False)
        if names is False:
            names = build.names[template.name] = build.template_names.names(
                template.environment, template.name
            )
        if names is None:
            return None
        settings, local, missing = build.settings, job.local, object()
        try:
            parts = [build.global_digest, template.name.encode()]
            for name in sorted(names):
                value = local.get(name, missing)
                # A setting as it is (most of the names) is in the global digest already.
                if value is not missing and value is not settings.get(name, missing):
                    parts += [name.encode(), build.digester.value(value)]
            return blake(parts)
        except Unstable as reason:
            logger.debug("%s is always rendered: %s", job.path, reason)
            return None


def _render_chunk(jobs: list[Job], chunk: list[int]) -> None:
    """In a worker: render pages, then forget the contents' HTML Pelican memoised for them
    (it would stay in each worker until the end of the batch: 15 kB an article)."""
    for i in chunk:
        _render(jobs[i])
    for method in ("get_content", "get_summary"):
        Content.__dict__[method].cache.clear()


def _render(job: Job) -> None:
    """Pelican's Writer._write_file, minus the signal (sent by flush, in the build process)."""
    local = job.local
    if local["localsiteurl"]:
        job.context["localsiteurl"] = local["localsiteurl"]
    output = job.template.render(local)
    os.makedirs(os.path.dirname(job.path), exist_ok=True)
    with open(job.path, "w", encoding="utf-8") as handle:
        handle.write(output)
