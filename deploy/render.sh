#!/usr/bin/env bash
# Renders one template of deploy/ (a file ending in .in): every @NAME@ is replaced by the
# value of the environment variable NAME. A placeholder without its variable stops it with a
# message naming it, so no half-filled file is ever installed. The install page and the tests
# use this script, so what they check is what ships.
#   NAME=valeur … deploy/render.sh deploy/nginx/cafessonne.conf.in > cafessonne.conf
set -euo pipefail
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
  echo "Usage : render.sh GABARIT.in > FICHIER (les @NOM@ sont pris dans l’environnement)" >&2
  exit 2
fi
template=$1
script=()
for name in $(grep -o '@[A-Z][A-Z0-9_]*@' "$template" | tr -d @ | sort -u); do
  if [ -z "${!name+set}" ]; then
    echo "render.sh : ${template} demande la variable ${name}, qui n’est pas définie." >&2
    exit 1
  fi
  value=${!name}
  if [[ $value == *$'\n'* ]]; then
    echo "render.sh : la variable ${name} tient sur plusieurs lignes : une seule attendue." >&2
    exit 1
  fi
  value=${value//\\/\\\\}
  value=${value//|/\\|}
  value=${value//&/\\&}
  script+=(-e "s|@${name}@|${value}|g")
done
if [ ${#script[@]} -eq 0 ]; then
  cat "$template"
else
  sed "${script[@]}" "$template"
fi
