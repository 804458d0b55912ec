#!/usr/bin/env bash
# Installs the test tools (Python packages into .venv, the editor's npm packages from the
# lockfile, Debian's Chromium and nginx) and runs the whole test suite: lint, the import
# contracts, the editor's own tests (node), then pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]'
npm ci --no-audit --no-fund --loglevel=error  # the editor's sources and the pinned esbuild
missing=()
command -v chromium >/dev/null || missing+=(chromium)
[ -x /usr/sbin/nginx ] || missing+=(nginx)  # tests/deploy: the shipped server block, run
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Paquets Debian requis pour les tests : ${missing[*]} (apt-get install ${missing[*]})." >&2
    exit 1
  fi
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports  # who may import whom: pyproject.toml [tool.importlinter]
npm test --silent  # the editor's Markdown round trip and paste rules (service/room/editor/)
.venv/bin/pytest "$@"
