#!/usr/bin/env bash
# Installs everything into .venv, builds the site and serves it with the comment service
# on http://127.0.0.1:8000 (Ctrl+C to stop).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e .
exec .venv/bin/invoke run
