"""Encoded images kept between builds, keyed by the source's bytes and the encoding parameters.

Layout: `<root>/<version>/<digest[:2]>/<digest>/<variant name>`, where `digest` is the SHA-256
of the source file, the variant name holds every parameter of the output (crop, width, format)
and `version` changes with the encoders' settings (site_core.images.pixels.ENCODERS). So an
unchanged image is never decoded nor encoded again, an edited one gets a new digest, and
renaming a file costs nothing. `info.json` beside the variants keeps what the HTML needs (size,
formats), so a
warm build opens no image at all.

One memo file (`<version>/memo.json`) keeps, per source path, its (size, mtime) and digest,
sparing re-reading unchanged files (as git's index does: hashing 50 photos of 4 MB costs about
0.1 s, a stat 50 µs), and every digest's info, so a warm build reads one small file. Files
reach `output/` by hard link (instant, no extra disk), or by copy across file systems.
"""

import hashlib
import json
import os
import shutil
from pathlib import Path

from site_core.build import keep
from site_core.files import write_atomic
from site_core.images.pixels import ENCODERS

VERSION = "v1-" + hashlib.sha256(repr(sorted(ENCODERS.items())).encode()).hexdigest()[:8]
_MEMO = "memo.json"


class VariantCache:
    def __init__(self, root):
        self.root = Path(root)
        self.base = self.root / VERSION
        try:
            memo = json.loads((self.base / _MEMO).read_text(encoding="utf-8"))
            self._sources, self._infos = memo["sources"], memo["infos"]
        except (OSError, ValueError, KeyError, TypeError):
            self._sources, self._infos = {}, {}
        self._memo_changed = False

    def digest(self, source: Path) -> str:
        """SHA-256 of the file's bytes, from the memo when its size and mtime are unchanged."""
        key = os.path.abspath(source)
        stat = os.stat(key)
        stamp = [stat.st_size, stat.st_mtime_ns]
        known = self._sources.get(key)
        if known and known[:2] == stamp:
            return known[2]
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        self._sources[key] = [*stamp, digest]
        self._memo_changed = True
        return digest

    def folder(self, digest: str) -> Path:
        return self.base / digest[:2] / digest

    def put(self, digest: str, name: str, data: bytes) -> Path:
        path = self.folder(digest) / name
        write_atomic(path, data)
        return path

    def info(self, digest: str) -> dict | None:
        """What `put_info` kept about this source (from the memo: a warm build opens no file)."""
        if digest not in self._infos:
            try:
                path = self.folder(digest) / "info.json"
                self._infos[digest] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            self._memo_changed = True
        return self._infos[digest]

    def put_info(self, digest: str, info: dict) -> None:
        self.put(digest, "info.json", json.dumps(info, sort_keys=True).encode())
        self._infos[digest] = info
        self._memo_changed = True

    def save(self) -> None:
        """Keep the memo for the next build (only when something new was learnt)."""
        if self._memo_changed:
            memo = {"sources": self._sources, "infos": self._infos}
            write_atomic(self.base / _MEMO, json.dumps(memo).encode())
            self._memo_changed = False


def publish(cached, target) -> bool:
    """Put a cached file at `target` in the output: a hard link, else a copy. Names carry the
    source digest, so an existing target already has the right bytes. False when the cached
    file is gone (the cache was cleaned): the caller makes it again. One system call when all
    is in place, the common case of a warm build."""
    try:
        os.link(cached, target)
    except FileExistsError:
        pass
    except FileNotFoundError:
        if not os.path.isfile(cached):
            return False
        os.makedirs(os.path.dirname(target), exist_ok=True)
        return publish(cached, target)
    except OSError:  # another file system, or no hard links there
        shutil.copyfile(cached, target)
    return True


def republish(outputs) -> None:
    """In the build process, after reading: the (cached, target) files a content's pictures
    need, linked again if missing and kept by an incremental build (site_core.build.keep). The
    content may have been read by a worker, or restored from the content cache without being
    read at all; and a hard link keeps its cached file's mtime, so the build cannot tell these
    files from stale ones by their date."""
    for cached, target in outputs:
        publish(cached, target)
        keep(target)


def keep_readable(contents, outputs_of) -> None:
    """all_generators_finalized: republish the files of the contents readers may see, and
    remove those that only unpublished ones (drafts, articles dated in the future) need. These
    are read like the others (the build checks them, the room's preview shows one as
    published), and reading linked their files into the output. `outputs_of(content)`: its
    (cached, target) pairs."""
    shown, unpublished = set(), set()
    for content in contents:
        (unpublished if content.status == "draft" else shown).update(outputs_of(content))
    republish(sorted(shown))
    for _cached, target in unpublished - shown:
        Path(target).unlink(missing_ok=True)
