#!/usr/bin/env bash
# Runs Elasticsearch's YAML REST tests for the Connector API (../shared/conformance) against a
# freshly started Tributary server. Usage: scripts/conformance.sh [--store postgres://…]
# With a security config (config/conformance-security.yml) the whole suite must pass; without
# one, only the tests that need authentication (401/403) may fail, and they are listed by name.
set -euo pipefail
cd "$(dirname "$0")/.."
SUITE="${CONFORMANCE_DIR:-../shared/conformance}"
if [ ! -d "$SUITE" ]; then
  echo "conformance: $SUITE not found, skipping"
  exit 0
fi
STORE_ARGS=()
SCHEMA=""
if [ "${1:-}" = "--store" ]; then
  STORE_URL="$2"
  BASE_STORE_URL="$2"
  # A schema of its own, so nothing else writing to the same database can disturb the run.
  if [[ "$STORE_URL" == postgres* && "$STORE_URL" != *schema=* ]]; then
    SCHEMA="tributary_conformance_$$_$RANDOM"
    if [[ "$STORE_URL" == *\?* ]]; then STORE_URL="$STORE_URL&schema=$SCHEMA"; else STORE_URL="$STORE_URL?schema=$SCHEMA"; fi
  fi
  STORE_ARGS=(--store "$STORE_URL")
fi
PORT="${CONFORMANCE_PORT:-$((20000 + RANDOM % 20000))}"
DATA="$(mktemp -d)"
CONFIG=config/conformance-security.yml
SERVE_ARGS=(--port "$PORT" --data "$DATA" --log-level warn --no-worker "${STORE_ARGS[@]}")
AUTH_ARGS=()
if [ -f "$CONFIG" ]; then
  SERVE_ARGS+=(--config "$CONFIG")
  AUTH_ARGS=(--user entsearch-admin:entsearch-admin-password --admin-user entsearch-superuser:entsearch-superuser-password)
fi
node bin/tributary.js serve "${SERVE_ARGS[@]}" > "$DATA/server.log" 2>&1 &
PID=$!
cleanup() {
  kill $PID 2>/dev/null || true
  wait $PID 2>/dev/null || true
  rm -rf "$DATA"
  if [ -n "$SCHEMA" ]; then
    node -e 'const pg=require("pg");const u=new URL(process.argv[1]);u.search="";const c=new pg.Client({connectionString:u.toString()});c.connect().then(()=>c.query(`DROP SCHEMA IF EXISTS "${process.argv[2]}" CASCADE`)).finally(()=>c.end())' "$BASE_STORE_URL" "$SCHEMA" || true
  fi
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -sf -o /dev/null ${AUTH_ARGS:+-u entsearch-superuser:entsearch-superuser-password} "http://127.0.0.1:$PORT/" && break
  if ! kill -0 $PID 2>/dev/null; then cat "$DATA/server.log"; exit 1; fi
  sleep 0.2
done
set +e
node "$SUITE/run-yaml.mjs" --url "http://127.0.0.1:$PORT" "${AUTH_ARGS[@]}" "$SUITE/yaml" > "$DATA/result.txt" 2>&1
STATUS=$?
set -e
grep -v '^PASS' "$DATA/result.txt" || true
if [ $STATUS -ne 0 ] && [ ! -f "$CONFIG" ]; then
  # Without security only tests about authentication/authorisation may fail.
  if grep '^FAIL' "$DATA/result.txt" | grep -v -E 'unprivileged|unauthorized|without privileges|(catch: (forbidden|unauthorized))' ; then
    echo "conformance: failures beyond the security tests"
    exit 1
  fi
  echo "conformance: only security tests failed (no security config)"
  exit 0
fi
exit $STATUS
