#!/usr/bin/env bash
# Accepts the output of a deliberate change, so the test command passes again: regenerates
# generated/, rewrites the golden files (kinds crate, diagnostics, diff and drift reports, hostile
# corpus, the models of tests/fixtures/models) and, with --coverage, spec/coverage.yaml from the records of the last full live run
# (`scripts/test.sh`), then regenerates the docs that show it. Review `git diff` before committing:
# every change it shows is one you are accepting.
#
# Usage: scripts/accept.sh [--coverage]
set -euo pipefail
cd "$(dirname "$0")/.."

echo "regenerating generated/ ..." >&2
cargo run -q --locked -p directus-generator -- generate >/dev/null
echo "rewriting golden files ..." >&2
UPDATE_GOLDEN=1 cargo test -q --locked -p directus-e2e --test generator --test hostile_specs >/dev/null
# The models of tests/fixtures/models (generator models) and its hostile report.
UPDATE_GOLDEN=1 cargo test -q --locked -p directus-e2e --test models -- fixture_snapshot_matches hostile_names >/dev/null
if [ "${1:-}" = "--coverage" ]; then
  if [ ! -d target/live-coverage ]; then
    echo "error: no live-test records in target/live-coverage; run scripts/test.sh first" >&2
    exit 1
  fi
  echo "updating spec/coverage.yaml from the last live run ..." >&2
  cargo run -q --locked -p directus-e2e --bin coverage -- --update
  cargo run -q --locked -p directus-generator -- generate >/dev/null
fi
echo "changed (review with git diff):" >&2
git status --short -- generated tests/golden spec/coverage.yaml >&2
