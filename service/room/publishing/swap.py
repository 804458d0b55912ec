"""Replacing a whole built site at once, so a reader never sees a missing or half-new page.

A publication builds into a staging folder beside the public one (same file system), then:

- if the public folder is a plain directory (development, or a web root the service serves
  itself), the two are exchanged with Linux's `renameat2(RENAME_EXCHANGE)`: one system call,
  after which every path under the public folder names the new build's file; a request that
  opened a file before it keeps reading that (old, complete) file. No path ever misses: there
  is no moment without a folder at that name, as there would be between two plain renames;
- if the public folder is a symbolic link (the usual production layout:
  `/srv/site -> /srv/site.versions/20250301-140502`), the new build goes into the versions
  folder and a new link replaces the old one with `os.replace`, atomic by POSIX.

Either way the old site is left at the returned path for the caller to delete. Starlette's
static files resolve the folder's real path on each request: with a symbolic link a swap
between the two resolutions of one request would answer 404, which is why a plain directory
is exchanged rather than turned into a link.
"""

import ctypes
import errno
import os
import time
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class SwapError(OSError):
    """The folders cannot be swapped atomically here; the message says what to do, in French."""


def _exchange(first: Path, second: Path) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    result = libc.renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result != 0:
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
            raise SwapError(
                code,
                "Le système de fichiers ne permet pas d’échanger deux dossiers d’un coup : "
                "faites du dossier public un lien symbolique (voir le README).",
            )
        raise OSError(code, os.strerror(code), str(first))


def swap_in(staging: Path, public: Path) -> Path | None:
    """Put the finished build `staging` in place of `public`; return where the old site is."""
    staging, public = Path(staging), Path(public)
    if public.is_symlink():
        old = public.resolve()
        versions = public.with_name(public.name + ".versions")
        versions.mkdir(exist_ok=True)
        target = versions / time.strftime("%Y%m%d-%H%M%S")
        while target.exists():
            target = target.with_name(target.name + "-1")
        os.rename(staging, target)
        link = public.with_name(f".{public.name}.link")
        if link.is_symlink():
            link.unlink()
        link.symlink_to(target)
        os.replace(link, public)
        return old
    if public.exists():
        _exchange(staging, public)
        return staging
    os.rename(staging, public)
    return None
