"""The shipped bundle is what the sources make: a fresh build with the pinned esbuild (from the
lockfile, `npm ci` in test.sh) is compared byte for byte with `service/room/static/editeur.js`,
so an edited source without its rebuilt bundle (or a bundle edited by hand) fails here; and it
stays within its budget (≤ 200 KB gzip), loaded only by the room's pages."""

import gzip
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "service" / "room" / "static" / "editeur.js"
BUDGET = 200 * 1024


def test_shipped_bundle_is_a_fresh_build_of_the_sources(tmp_path):
    fresh = tmp_path / "editeur.js"
    subprocess.run(
        ["node", str(ROOT / "service/room/editor/build.mjs"), str(fresh)],
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    assert fresh.read_bytes() == SHIPPED.read_bytes(), (
        "service/room/static/editeur.js differs from a fresh build: run `npm run build`"
    )


def test_bundle_within_its_gzip_budget():
    size = len(gzip.compress(SHIPPED.read_bytes(), 9))
    assert size <= BUDGET, f"editeur.js: {size} octets gzip > {BUDGET}"


def test_public_site_never_loads_the_editor():
    theme = ROOT / "theme" / "templates"
    for template in theme.rglob("*.html"):
        assert "editeur.js" not in template.read_text(encoding="utf-8"), template
