"""The built site as static files, safe to read while the service republishes its pages.

Starlette's StaticFiles sizes a file with `os.stat(path)`, then FileResponse opens the path
again to send it. The republisher replaces pages with `os.replace`, so in between the name may
point to a new file of another size: the response was cut ("Response content longer than
Content-Length"), 116 of 3,258 reads while republishing. Here the file is opened once, and its
size, ETag and Last-Modified come from `fstat` on that open file, whose content cannot change
under it (a replaced page is a new inode; the old one lives until closed).

Every response carries the site's Content-Security-Policy (`site_core.content.policy`), the
same the pages' <meta> says, plus frame-ancestors, which only a header can say.

Everything else is Starlette's own code path: the folder, index.html and 404.html lookups,
redirects, HEAD, the content type, ETag/Last-Modified and 304, and range requests.
"""

import os
from contextlib import asynccontextmanager
from typing import BinaryIO

import anyio
import anyio.to_thread
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Receive, Scope, Send

from site_core.content.policy import SITE_POLICY_HEADER

PATHSEND = "http.response.pathsend"


class OpenFileResponse(FileResponse):
    """A FileResponse that sends one already-open file, whatever its path points to now."""

    def __init__(self, file: BinaryIO, path: str, status_code: int = 200):
        super().__init__(path, status_code=status_code, stat_result=os.fstat(file.fileno()))
        self.file = file

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Without the pathsend extension the server cannot be asked to reopen the path.
        extensions = {k: v for k, v in scope.get("extensions", {}).items() if k != PATHSEND}
        try:
            await super().__call__({**scope, "extensions": extensions}, receive, send)
        finally:
            self.file.close()

    @asynccontextmanager
    async def _open_file(self):
        # Starlette 1.10 opens `self.path` here, for whole files and ranges alike; the file is
        # closed by __call__, once the response is sent.
        yield anyio.wrap_file(self.file)


class SiteFiles(StaticFiles):
    """StaticFiles whose file responses come from a single open file."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if isinstance(response, FileResponse):  # a page, an index.html or the 404 page
            response = await anyio.to_thread.run_sync(self._reopened, response, scope)
        response.headers["Content-Security-Policy"] = SITE_POLICY_HEADER
        return response

    def _reopened(self, response: FileResponse, scope: Scope) -> Response:
        """The same response, sized and sent from one open file."""
        try:
            file = open(response.path, "rb")  # closed once the response is sent
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):  # gone meanwhile
            raise HTTPException(status_code=404) from None
        fresh = OpenFileResponse(file, str(response.path), response.status_code)
        not_modified = self.is_not_modified(fresh.headers, Headers(scope=scope))
        if response.status_code == 200 and not_modified:
            file.close()
            return NotModifiedResponse(fresh.headers)
        return fresh
