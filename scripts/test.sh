#!/usr/bin/env bash
# The project's test command (README, .ci/run): lint everything, generated crates included, then
# run every test. The live tests start a real Directus themselves; its first install is cached in
# ~/.cache/directus-rs (about 9 minutes once, seconds afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in cargo npm curl flock; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is needed to run the tests; install it first" >&2; exit 1; }
done

# Every locked package, for every platform: tests/tests/crate.rs reads their manifests.
cargo fetch --locked

# Installing up front shows progress once, instead of inside a silent test.
tests/harness/install-directus.sh 12.4.1 >/dev/null
tests/harness/install-directus.sh 10.10.4 >/dev/null

# tests/tests/semver_agreement.rs compares `generator diff` with cargo-semver-checks; its list of
# what that tool cannot see holds for this version (about 7 minutes to build, once).
semver_checks=0.51.0
if [ "$(cargo semver-checks --version 2>/dev/null)" != "cargo-semver-checks $semver_checks" ]; then
  echo "installing cargo-semver-checks $semver_checks (tests/tests/semver_agreement.rs compares generator diff with it)" >&2
  cargo install --locked "cargo-semver-checks@$semver_checks"
fi

cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
# Rustdoc of the generated crate and the runtime: every intra-doc link must resolve.
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --all-features --locked -p directus-client -p directus-runtime

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
# Each live test records what it ran here; the coverage check below reads it.
rm -rf target/live-coverage
cargo test --workspace --all-features --locked --no-fail-fast 2>&1 | tee "$log" || status=$?
extra_failed=0
if [ "$status" = 0 ]; then
  # spec/coverage.yaml (and so the docs' coverage table) must say exactly what this run showed.
  cargo run -q --locked -p directus-e2e --bin coverage || { status=1; extra_failed=1; }
fi
# One closing line over all test binaries (cargo prints one per binary, the last often "0 passed");
# a failed coverage check counts as one failure.
awk -v extra="$extra_failed" '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "summary: %d passed, %d failed\n", p, f + extra }' "$log"
exit "$status"
