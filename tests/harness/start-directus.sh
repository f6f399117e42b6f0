#!/usr/bin/env bash
# Starts a throw-away Directus on 127.0.0.1 with a fresh SQLite database, for the live tests.
#
# Usage: start-directus.sh VERSION WORK_DIR PORT
# Env in: ADMIN_EMAIL ADMIN_PASSWORD ADMIN_TOKEN SECRET (the test harness sets them), WATCH_PID
#         (the server is stopped when that process is gone, so a killed test run leaves nothing behind)
# Out:    `DIRECTUS_PID=<pid>` on the last line of stdout once GET /server/ping answers pong.
# The install is cached outside the work tree (see install-directus.sh).
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 VERSION WORK_DIR PORT (for the tests; to try Directus by hand, run scripts/local-directus.sh)" >&2
  exit 2
fi
# Checked before anything starts, so a missing one never leaves a server running with unknown credentials.
for var in ADMIN_EMAIL ADMIN_PASSWORD ADMIN_TOKEN SECRET; do
  if [ -z "${!var:-}" ]; then
    echo "error: $var must be set (see the header of $0); to try Directus by hand, run scripts/local-directus.sh" >&2
    exit 2
  fi
done
version="$1" work="$2" port="$3"
here="$(cd "$(dirname "$0")" && pwd)"
dir="$("$here/install-directus.sh" "$version" | tail -n 1)"
node_pkg="$(cat "$dir/.node")"
if [ "$node_pkg" != "system" ]; then
  export PATH="$node_pkg/bin:$PATH"
fi

mkdir -p "$work/uploads" "$work/extensions" "$work/mail" "$work/bin"
# Directus sends mail through sendmail; this one files each message for the tests to read.
cat > "$work/bin/sendmail" <<MAIL
#!/bin/sh
cat > "$work/mail/\$(date +%s%N)-\$\$.eml"
MAIL
chmod +x "$work/bin/sendmail"

export DB_CLIENT=sqlite3 DB_FILENAME="$work/data.db"
export KEY="${KEY:-$(cat /proc/sys/kernel/random/uuid)}"
export HOST=127.0.0.1 PORT="$port" PUBLIC_URL="http://127.0.0.1:$port"
export STORAGE_LOCATIONS=local STORAGE_LOCAL_ROOT="$work/uploads" EXTENSIONS_PATH="$work/extensions"
export EMAIL_TRANSPORT=sendmail EMAIL_SENDMAIL_PATH="$work/bin/sendmail"
# Keep every connection on loopback: 12.x forces telemetry on, so point it where nothing listens.
export TELEMETRY=false TELEMETRY_URL=http://127.0.0.1:9 COMPLIANCE_URL=http://127.0.0.1:9 PROJECT_OWNER_ENABLED=false
export LOG_LEVEL=warn LOG_STYLE=raw
# Tests import files from a loopback server; the default deny list blocks local addresses.
export IMPORT_IP_DENY_LIST=169.254.169.254
export RATE_LIMITER_ENABLED=false

cli="$dir/node_modules/@directus/api/dist/cli/run.js"
cd "$dir"   # Directus looks for extensions from its working directory
node "$cli" bootstrap >"$work/bootstrap.log" 2>&1 || {
  echo "Directus $version bootstrap failed; last lines of $work/bootstrap.log:" >&2
  tail -n 20 "$work/bootstrap.log" >&2
  exit 1
}

node "$cli" start >"$work/server.log" 2>&1 &
pid=$!
echo "$pid" > "$work/server.pid"
if [ -n "${WATCH_PID:-}" ]; then
  ( while kill -0 "$WATCH_PID" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 1; done
    kill "$pid" 2>/dev/null || true ) >/dev/null 2>&1 &
fi

for _ in $(seq 1 240); do
  if [ "$(curl -s --max-time 2 "http://127.0.0.1:$port/server/ping" || true)" = "pong" ]; then
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "Directus $version exited during start; last lines of $work/server.log:" >&2
    tail -n 20 "$work/server.log" >&2
    exit 1
  fi
  sleep 0.5
done
if [ "$(curl -s --max-time 2 "http://127.0.0.1:$port/server/ping" || true)" != "pong" ]; then
  kill "$pid" 2>/dev/null || true
  echo "Directus $version did not answer /server/ping within 120 s; see $work/server.log" >&2
  exit 1
fi

# Before 10.11, bootstrap ignores ADMIN_TOKEN: log in once and set it on the admin user.
if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$port/users/me")" != "200" ]; then
  access=$(curl -s -H 'Content-Type: application/json' \
    -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" "http://127.0.0.1:$port/auth/login" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
  curl -s -o /dev/null -X PATCH -H "Authorization: Bearer $access" -H 'Content-Type: application/json' \
    -d "{\"token\":\"$ADMIN_TOKEN\"}" "http://127.0.0.1:$port/users/me"
fi
echo "DIRECTUS_PID=$pid"
