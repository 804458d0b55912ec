#!/usr/bin/env bash
# Runs the README « Production » install page for real, as an operator would, on a fresh
# Debian 12 root file system (debootstrap, kept in /var/cache/cafessonne-install): its
# commands as written there, install.sh twice (at a terminal, a mistyped password first), the
# update command. Then checks what got installed, in a private network namespace (the real
# ports, nothing else on the machine disturbed): the service started with its unit's
# ExecStart, User=, UMask= and EnvironmentFile= in a read-only view of the system but its
# ReadWritePaths=, Debian's nginx with its own nginx.conf and the installed server blocks;
# through nginx in https: the home page's headers, a comment and its moderators' notice (a
# STARTTLS relay), the first account's login, a publication from the room; step 5's curl;
# the timers' jobs. deploy/README.md says why it is not in test.sh (root, mirrors, PyPI).
# Run it as root from the checkout after changing deploy/ or the page (about a minute):
#   bash deploy/check-install.sh          (GARDER=1 keeps the root file system to look into;
#                                          CERTIFICAT=caf takes step 3's other choice)
# Only committed work is installed (the page's `git clone` takes the checkout's HEAD).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=${here%/deploy}
name=partenaires.caf-essonne.fr
password='mot de passe de la première installation'
if [ "${1:-}" = --dans-reseau-prive ]; then
  root=$2
  ip link set lo up
  # A unit's ExecStart as systemd starts it: its User=, Group=, UMask=, WorkingDirectory= and
  # EnvironmentFile=, and ProtectSystem=strict's view of the files imitated in a mount
  # namespace: everything read-only but the unit's ReadWritePaths=, /tmp and /var/tmp private
  # (PrivateTmp=), /home and /root empty (ProtectHome=). The other options need systemd
  # itself (`systemd-analyze security`).
  sandbox='set -e
    root=$1 && shift
    mount --make-rprivate / && mount --rbind "$root" "$root"
    mount -o remount,bind,ro "$root"
    for folder in $WRITABLE; do
      mount --bind "$root$folder" "$root$folder" && mount -o remount,bind,rw "$root$folder"
    done
    for folder in /tmp /var/tmp /home /root; do mount -t tmpfs -o mode=1777 tmpfs "$root$folder"; done
    mount -o remount,ro "$root/home" && mount -o remount,ro "$root/root"
    exec chroot "$root" "$@"'
  unit_command() {  # sets `command`; run in this shell so $! is the service's process
    local unit=$root/etc/systemd/system/$1
    value() { sed -n "s/^$1=//p" "$unit"; }
    command=(env WRITABLE="$(value ReadWritePaths)" unshare -m bash -c "$sandbox" sandbox "$root"
      setpriv --reuid="$(value User)" --regid="$(value Group)" --init-groups
      env -i PATH=/usr/bin:/bin bash -c "umask $(value UMask | grep . || echo 0022) &&
        cd $(value WorkingDirectory) && set -a && . $(value EnvironmentFile) && set +a &&
        exec $(value ExecStart)")
  }
  unit_command cafessonne.service
  "${command[@]}" >"$root/root/service.log" 2>&1 &
  service=$!
  chroot "$root" nginx
  status=0
  "$repo/.venv/bin/python" "$here/check_install.py" "$name" "$password" \
    "$root/$4/fullchain.pem" "$root/$4/privkey.pem" || status=$?
  echo "--- page, 5. : $3"
  chroot "$root" bash -c "$3" || status=$?
  for timer in purge-ips sauvegarde; do
    echo "--- cafessonne-$timer.service"
    unit_command "cafessonne-$timer.service"
    "${command[@]}" || status=$?
  done
  chroot "$root" ls -l /var/backups/cafessonne || status=$?
  chroot "$root" nginx -s quit || true
  kill "$service" || true
  wait "$service" || true
  echo "--- journal du service ---" && tail -n 20 "$root/root/service.log"
  exit "$status"
fi

[ "$(id -u)" = 0 ] || { echo "check-install.sh : à lancer en root (debootstrap, chroot)." >&2; exit 2; }
cache=/var/cache/cafessonne-install
started=$(date +%s)
step() { echo "=== $(($(date +%s) - started)) s : $*"; }
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
# Debian's default choice of packages (systemd, adduser…), what a new server starts from.
if [ ! -x "$cache/bookworm/usr/bin/systemctl" ]; then
  step "debootstrap bookworm (une fois : $cache/bookworm)"
  rm -rf "$cache/bookworm.part" "$cache/bookworm"
  debootstrap bookworm "$cache/bookworm.part" http://deb.debian.org/debian || {
    echo "check-install.sh : debootstrap n’a pas pu installer Debian 12 (deb.debian.org joignable ?)." >&2
    exit 1
  }
  mv "$cache/bookworm.part" "$cache/bookworm"
fi
root=$(mktemp -d "$cache/essai.XXXXXX")
cleanup() {
  umount -R "$root/dev" "$root/proc" 2>/dev/null || true
  if [ -z "${GARDER:-}" ]; then rm -rf "$root"; else echo "Gardé : $root"; fi
}
trap cleanup EXIT
step "copie du système neuf dans $root"
cp -a "$cache/bookworm/." "$root/"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Like any chroot: packages must not start daemons (nginx would take the machine's port 80).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"
# No systemd runs in a chroot: `systemctl enable` works offline (not its --now); daemon-reload
# checks the units (systemd-analyze verify); start and reload are what this script does later.
cat >"$root/usr/local/sbin/systemctl" <<'UNIT'
#!/bin/sh
echo "(chroot) systemctl $*" >>/root/systemctl.log
case $1 in
  daemon-reload) exec systemd-analyze verify /etc/systemd/system/cafessonne* ;;
  enable) shift && exec /usr/bin/systemctl enable $(echo "$@" | sed 's/--now//') ;;
  *) exit 0 ;;
esac
UNIT
chmod +x "$root/usr/local/sbin/systemctl"
# The page's `git clone`: the checkout's HEAD and its branch, so `git pull` works as on a clone.
git -C "$repo" bundle create -q "$root/root/depot.bundle" HEAD $(git -C "$repo" branch --show-current)
page() { # the command of item $1 of the README's install page, as written there
  sed -n '/^From a fresh Debian 12 machine/,/^Then read/p' "$repo/README.md" |
    sed -n "s/^$1\. \`\(.*\)\`\$/\1/p"
}
as_operator() {
  chroot "$root" env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bash -euc "cd /root && $1"
}

step "page, 1. : $(page 1)"
as_operator "$(page 1)" >/dev/null
# This machine's network, not the page: a proxy with its own certificate authority is trusted
# by the host's bundle and pip.conf; the new system gets the same.
cp /etc/ssl/certs/ca-certificates.crt "$root/usr/local/share/ca-certificates/machine.crt"
as_operator "update-ca-certificates >/dev/null 2>&1"
[ ! -f /etc/pip.conf ] || cp /etc/pip.conf "$root/etc/pip.conf"
step "page, 2. : $(page 2)"
as_operator "$(page 2 | sed 's|<le dépôt du site>|/root/depot.bundle|')"
if [ "${CERTIFICAT:-}" = caf ]; then
  step "page, 3., l'autre choix : le certificat de la Caf dans /etc/ssl/cafessonne/"
  folder=/etc/ssl/cafessonne
  install=$(page 4 | sed 's| TLS_CERT=[^ ]*||; s| TLS_KEY=[^ ]*||')
else
  step "page, 3. remplacée (Let's Encrypt ne joint pas ce chroot) : un certificat à sa place"
  folder=/etc/letsencrypt/live/$name
  install=$(page 4)
fi
as_operator "mkdir -p $folder && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=$name \
  -addext subjectAltName=DNS:$name,DNS:relais.caf-essonne.fr \
  -keyout $folder/privkey.pem -out $folder/fullchain.pem 2>/dev/null"
# The names point to this machine (the relay too: check_install.py's aiosmtpd on port 25) and
# the certificate, the relay's too, is trusted as a real one is.
echo "127.0.0.1 $name relais.caf-essonne.fr" >>"$root/etc/hosts"
cp "$root/$folder/fullchain.pem" "$root/usr/local/share/ca-certificates/caf.crt"
as_operator "update-ca-certificates >/dev/null 2>&1"
step "page, 4. (le mot de passe tapé au terminal quand il est demandé)"
at_terminal() {  # $1: what the output must say; then the answers, one per question asked
  python3 - "$root" "$install" "$@" <<'EOF'
"""install.sh at a terminal, answering its questions as an operator types; fails unless its
output says what it must."""
import os, pty, sys

root, command, expected, *answers = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("chroot", ["chroot", root, "env", "-i", "HOME=/root", "TERM=dumb", "LANG=C.UTF-8",
                         "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                         "bash", "-c", command])
seen, output = b"", b""
while True:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    seen += data
    output += data
    if seen.rstrip().endswith(b":") and (b"Mot de passe" in seen or b"confirmer" in seen):
        if not answers:
            sys.exit("ÉCHEC : une question de trop : " + seen.decode()[-200:])
        os.write(fd, answers.pop(0).encode() + b"\n")
        seen = b""
status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
if expected.encode() not in output:
    sys.exit(f"ÉCHEC : install.sh n’a pas dit « {expected} »")
sys.exit(status)
EOF
}
# A typing mistake first: the confirmation differs; install.sh must ask again, not go on
# without an account.
at_terminal "Compte de modération « prenom.nom » créé" "$password" "mot de passe mal tapé" \
  "$password" "$password"
step "page, 4. encore : install.sh relancé (« sans dommage ») ; le compte existe déjà"
at_terminal "9. Vérification"
update=$(sed -n '/^Then read/,/^$/p' "$repo/README.md" | tr '\n' ' ' |
  sed -n 's/.*Updating: `\([^`]*\)`.*/\1/p')
[ -n "$update" ] || { echo "ÉCHEC : pas de commande « Updating: » après la page" >&2; exit 1; }
step "mise à jour, comme la page la donne : $update"
as_operator "$update"
step "page, 5. : le service (sa ligne ExecStart) et nginx, dans un réseau privé"
unshare -n bash "$here/check-install.sh" --dans-reseau-prive "$root" "$(page 5)" "$folder"
step "fini : installation vérifiée"
