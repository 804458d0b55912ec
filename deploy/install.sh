#!/usr/bin/env bash
# From a fresh Debian 12 to the site online (README « Production »): run as root from the
# checkout that will serve (e.g. /opt/cafessonne), with the site's settings in the environment:
#   SERVER_NAME=partenaires.caf-essonne.fr MAIL_FROM='Caf de l’Essonne <lettre@…>' \
#   MODERATOR_EMAILS=communication@… ADMIN=prenom.nom bash deploy/install.sh
# Optional: SMTP_HOST (localhost), SMTP_PORT (25), SERVICE_PORT (8001), SRV (/srv/cafessonne),
# BACKUP_DIR (/var/backups/cafessonne), TLS_CERT and TLS_KEY (the certificate's files).
# It can be run again: it never overwrites the environment file nor the content folder.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export APP_DIR=${here%/deploy}
for name in SERVER_NAME MAIL_FROM MODERATOR_EMAILS ADMIN; do
  if [ -z "${!name:-}" ]; then
    echo "install.sh : donnez ${name} (voir l’en-tête de ce script)." >&2
    exit 1
  fi
done
export SRV=${SRV:-/srv/cafessonne}
export DATA_DIR=$SRV/data CONTENT_DIR=$SRV/content WORK_DIR=$SRV/work PUBLIC_ROOT=$SRV/public
export PUBLIC_DIR=$PUBLIC_ROOT/site BACKUP_DIR=${BACKUP_DIR:-/var/backups/cafessonne}
export ENV_FILE=/etc/cafessonne/cafessonne.env SERVICE_PORT=${SERVICE_PORT:-8001}
export SITE_URL=https://$SERVER_NAME SMTP_HOST=${SMTP_HOST:-localhost}
export SMTP_PORT=${SMTP_PORT:-25} MAIL_FROM MODERATOR_EMAILS SERVER_NAME
export TLS_CERT=${TLS_CERT:-/etc/ssl/cafessonne/fullchain.pem}
export TLS_KEY=${TLS_KEY:-/etc/ssl/cafessonne/privkey.pem}
render() { bash "$here/render.sh" "$@"; }
as_service() { runuser -u cafessonne -- "$@"; }

echo "1. Paquets Debian"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv git nginx sqlite3 >/dev/null

echo "2. Compte et dossiers du service"
install -d -m 0755 "$SRV"  # before adduser, which warns of a home folder it cannot reach
id cafessonne >/dev/null 2>&1 ||
  adduser --system --group --home "$SRV" --no-create-home --shell /usr/sbin/nologin cafessonne
install -d -o cafessonne -g cafessonne -m 0750 "$SRV" "$DATA_DIR" "$WORK_DIR" "$BACKUP_DIR"
install -d -o cafessonne -g cafessonne -m 0755 "$PUBLIC_ROOT"
chmod 0755 "$SRV"  # nginx (www-data) reads the public folder
if [ ! -d "$CONTENT_DIR" ]; then
  cp -a "$APP_DIR/content" "$CONTENT_DIR"
  git -C "$CONTENT_DIR" init -q
  git -C "$CONTENT_DIR" add -A
  git -C "$CONTENT_DIR" -c user.name=installation -c user.email=installation@localhost \
    commit -qm "Contenus de départ"
  chown -R cafessonne:cafessonne "$CONTENT_DIR"
fi

echo "3. Le programme (.venv)"
[ -x "$APP_DIR/.venv/bin/python" ] || python3 -m venv "$APP_DIR/.venv"
"$APP_DIR/.venv/bin/pip" install --quiet --upgrade pip
"$APP_DIR/.venv/bin/pip" install --quiet -e "$APP_DIR"

echo "4. Réglages ($ENV_FILE)"
install -d -m 0750 -g cafessonne /etc/cafessonne
if [ ! -f "$ENV_FILE" ]; then
  SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))') \
    render "$here/cafessonne.env.in" > "$ENV_FILE"
  chgrp cafessonne "$ENV_FILE"
  chmod 0640 "$ENV_FILE"
fi
set -a  # the service's settings, for the commands below (runuser keeps them)
# shellcheck source=/dev/null
. "$ENV_FILE"
set +a

echo "5. Premier site ($PUBLIC_DIR)"
if [ ! -f "$PUBLIC_DIR/index.html" ]; then
  (cd "$APP_DIR" && as_service env SITEURL="$SITE_URL" .venv/bin/pelican "$CONTENT_DIR" \
    -s publishconf.py -o "$PUBLIC_DIR" \
    -e "CACHE_PATH=\"$WORK_DIR/premier-site\"" "COMMENTS_DB=\"$SERVICE_DATABASE\"")
fi

echo "6. Services systemd (service, oubli des IP, sauvegarde)"
for unit in "$here"/systemd/*; do
  name=$(basename "$unit" .in)
  render "$unit" > "/etc/systemd/system/$name"
done
systemctl daemon-reload
systemctl enable --now cafessonne.service cafessonne-purge-ips.timer cafessonne-sauvegarde.timer

echo "7. nginx"
install -m 0644 "$here"/nginx/cafessonne-*.conf /etc/nginx/snippets/
render "$here/nginx/cafessonne-tls.conf.in" > /etc/nginx/snippets/cafessonne-tls.conf
LISTEN="443 ssl http2" TLS="include snippets/cafessonne-tls.conf;" \
  render "$here/nginx/cafessonne.conf.in" > /etc/nginx/sites-available/cafessonne.conf
render "$here/nginx/cafessonne-http.conf.in" > /etc/nginx/sites-available/cafessonne-http.conf
ln -sf ../sites-available/cafessonne.conf ../sites-available/cafessonne-http.conf \
  /etc/nginx/sites-enabled/
rm -f /etc/nginx/sites-enabled/default
nginx -t -q && systemctl reload nginx

echo "8. Premier compte de l’équipe ($ADMIN)"
accounts=0  # a second run has them: the team's pages make the next ones
if [ -f "$SERVICE_DATABASE" ]; then
  # As the service's user: a file SQLite makes beside the database must stay the service's.
  accounts=$(as_service sqlite3 -readonly "$SERVICE_DATABASE" "SELECT count(*) FROM moderators" \
    2>/dev/null || echo 0)
fi
if [ "$accounts" != 0 ]; then
  echo "(l’équipe a déjà ${accounts} compte(s) : rien à faire)"
else
  # A typing mistake (confirmation, length) asks again; never the site online without one.
  for attempt in 1 2 3 0; do
    if [ "$attempt" = 0 ]; then
      echo "install.sh : premier compte non créé ; relancez install.sh." >&2
      exit 1
    fi
    echo "Choisissez son mot de passe (essai ${attempt} sur 3) :"
    (cd "$APP_DIR" && as_service .venv/bin/python -m service create-moderator "$ADMIN" \
      --roles redaction,moderation,administration) && break
  done
fi

echo "9. Vérification"
(cd "$APP_DIR" && as_service .venv/bin/python -m service sante)
echo "Site en ligne : $SITE_URL/ — équipe : $SITE_URL/redaction/"
