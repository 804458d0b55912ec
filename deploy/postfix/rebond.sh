#!/usr/bin/env bash
# Postfix's pipe for the bounce address (master.cf.extrait): one non-delivery report on
# standard input, read by « python -m service rebond » with the service's settings.
set -euo pipefail
set -a
# shellcheck source=/dev/null
. /etc/cafessonne/cafessonne.env
set +a
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec .venv/bin/python -m service rebond
