#!/usr/bin/env bash
# Installs everything into .venv (again only when pyproject.toml changed), builds the site and
# serves it with the service on http://127.0.0.1:8000 (PORT and HOST change it; Ctrl+C to
# stop). The installers' output goes to .venv/install.log, so the first account's password is
# the one line to read.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
stamp=.venv/installed-pyproject.toml
if [ ! -x .venv/bin/python ] || ! cmp -s pyproject.toml "$stamp"; then
  echo "Installation dans .venv (une à deux minutes la première fois)…"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  if ! { .venv/bin/pip install --upgrade pip && .venv/bin/pip install -e .; } \
      > .venv/install.log 2>&1; then
    tail -n 20 .venv/install.log >&2
    echo "L’installation a échoué : le détail est dans .venv/install.log." >&2
    exit 1
  fi
  cp pyproject.toml "$stamp"
fi
exec .venv/bin/invoke run
