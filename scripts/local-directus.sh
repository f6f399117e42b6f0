#!/usr/bin/env bash
# A local Directus to try the client and CLI against: installs it once (the same cached install
# the tests use), starts it on 127.0.0.1 with a fresh SQLite database, prints the admin's e-mail,
# password and a static token, and runs in the foreground until Ctrl-C, which stops it.
#
# Usage: scripts/local-directus.sh [VERSION]      (default 12.4.1)
# Env:   DIRECTUS_LOCAL_PORT (default 8055), DIRECTUS_LOCAL_DIR (default target/local-directus),
#        DIRECTUS_CACHE (where the install is cached, default ~/.cache/directus-rs)
# Writes $DIRECTUS_LOCAL_DIR/env: `export DIRECTUS_URL=… DIRECTUS_TOKEN=… DIRECTUS_EMAIL=…
# DIRECTUS_PASSWORD=…`, for `source` in another terminal. The database and uploads are in the
# same folder and are replaced at the next start.
set -euo pipefail

version="${1:-12.4.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
port="${DIRECTUS_LOCAL_PORT:-8055}"
dir="${DIRECTUS_LOCAL_DIR:-$root/target/local-directus}"
url="http://127.0.0.1:$port"

for tool in npm curl flock; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is needed to run Directus; install it first" >&2; exit 1; }
done
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "error: something already listens on 127.0.0.1:$port; stop it, or pick another port with DIRECTUS_LOCAL_PORT=8056" >&2
  exit 1
fi

start=$SECONDS
"$root/tests/harness/install-directus.sh" "$version" >/dev/null

rm -rf "$dir"
mkdir -p "$dir"
random() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export ADMIN_EMAIL=admin@example.com
export ADMIN_PASSWORD="Admin-$(random 8)"
export ADMIN_TOKEN="$(random 24)"
export SECRET="$(random 32)"
# The server stops when this script does, however it ends.
export WATCH_PID=$$

echo "starting Directus $version on $url (data in $dir) ..." >&2
out="$("$root/tests/harness/start-directus.sh" "$version" "$dir" "$port")"
pid="$(printf '%s\n' "$out" | sed -n 's/^DIRECTUS_PID=//p' | tail -n 1)"

stop() {
  trap - INT TERM EXIT
  if kill -0 "$pid" 2>/dev/null; then
    echo >&2
    echo "stopping Directus (pid $pid) ..." >&2
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    echo "stopped" >&2
  fi
  exit 0
}
trap stop INT TERM EXIT

umask 077
cat > "$dir/env" <<ENV
export DIRECTUS_URL=$url
export DIRECTUS_TOKEN=$ADMIN_TOKEN
export DIRECTUS_EMAIL=$ADMIN_EMAIL
export DIRECTUS_PASSWORD=$ADMIN_PASSWORD
ENV

cat <<INFO
Directus $version is running on $url ($((SECONDS - start)) s to start; a fresh database each start)

  admin app:       $url/admin
  admin e-mail:    $ADMIN_EMAIL
  admin password:  $ADMIN_PASSWORD
  static token:    $ADMIN_TOKEN

In another terminal:  source ${dir/#$root\//}/env    # sets DIRECTUS_URL, DIRECTUS_TOKEN, DIRECTUS_EMAIL, DIRECTUS_PASSWORD
Server log: $dir/server.log
Press Ctrl-C to stop.
INFO

while kill -0 "$pid" 2>/dev/null; do sleep 1; done
echo "Directus exited by itself; last lines of $dir/server.log:" >&2
tail -n 20 "$dir/server.log" >&2
trap - INT TERM EXIT
exit 1
