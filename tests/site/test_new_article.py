"""`invoke new-article`: the scaffold has every field, including the picture ones, and builds."""

import subprocess
import sys

from tests.support.images import new_site
from tests.support.site import ROOT, build_site


def test_scaffold_has_picture_fields_and_builds_as_an_unwritten_draft(tmp_path):
    content = new_site(tmp_path, {}, {})
    (tmp_path / "pelicanconf.py").write_text((ROOT / "pelicanconf.py").read_text())
    script = (
        "import sys, tasks; from pathlib import Path; from invoke import Context;"
        "tasks.ROOT = Path(sys.argv[1]); tasks.new_article(Context(), 'Un essai d’entretien')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "Portraits" in done.stdout
    text = (content / "articles" / "un-essai-d-entretien.md").read_text(encoding="utf-8")
    assert "\nPortraits:\n" in text
    assert "![Ce que montre la photo, pour qui ne la voit pas](/images/" in text
    assert "© " in text
    output = build_site(tmp_path / "output", PATH=str(content))
    # Read and checked by the build (it would fail on a bad field), written nowhere: a draft.
    assert (output / "index.html").is_file()
    assert not [path for path in output.rglob("*") if "un-essai" in path.as_posix()]
