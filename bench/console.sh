#!/usr/bin/env bash
# bench/console.sh   page timings of the staff console in Debian's Chromium, for a street admin:
#   on the demo data (database governance, as ./run.sh leaves it) and on the bench data set (governance_bench:
#   1,000,000 orders in 汉江街道; generate it first with bench/run.sh). Installs playwright-core (pinned, npm) into
#   bench/console/node_modules. Results: printed and written to bench/results/console-<time>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/mariadb.sh
source scripts/chromium.sh
mariadb_start
chromium_install
log "Building"
dotnet build src/Api/Governance.Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
BIN="$PWD/src/Api/bin/Release/net10.0"
(cd bench/console && npm install --no-audit --no-fund --silent)
out="bench/results/console-$(date -u +%Y%m%d-%H%M%S).md"
{
  echo "# Staff console page timings ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "From changing the route to the page drawn, in Debian's Chromium against a real API node (Roles=api)."
} > "$out"

run_node() { # database port
  Database__ConnectionString="$(connection_string "$1")" Wechat__Mode=sandbox Wechat__SandboxPort=0 Roles=api \
    Storage__DataRoot="$DATA_DIR/bench-files" dotnet "$BIN/Governance.Api.dll" migrate --contentRoot "$BIN" >/dev/null
  Database__ConnectionString="$(connection_string "$1")" Wechat__Mode=sandbox Wechat__SandboxPort=0 Roles=api \
    Storage__DataRoot="$DATA_DIR/bench-files" dotnet "$BIN/Governance.Api.dll" serve --urls "http://127.0.0.1:$2" \
    --contentRoot "$BIN" >/dev/null 2>&1 &
  NODE=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && return; sleep 0.5; done
  echo "the API node did not start" >&2; exit 1
}

# The demo data: 莲花街道's admin (street1), as ./run.sh seeds it.
mariadb_ensure_user_and_db governance
Database__ConnectionString="$(connection_string governance)" Wechat__Mode=sandbox \
  dotnet "$BIN/Governance.Api.dll" seed --contentRoot "$BIN" >/dev/null
run_node governance 5091
node bench/console/timing.js http://127.0.0.1:5091 street1 demo2026 "Demo data (莲花街道, a dozen orders)" | tee -a "$out"
kill "$NODE"; wait "$NODE" 2>/dev/null || true

# The bench data set: 汉江街道's admin (person 4000000), with the demo password's hash.
if [ "$(mariadb_sql -N governance_bench -e 'SELECT COUNT(*) FROM service_order' 2>/dev/null || echo 0)" -lt 1000000 ]; then
  echo "governance_bench has no data set: run bench/run.sh prepare first" >&2; exit 1
fi
run_node governance_bench 5092
mariadb_sql governance_bench -e "INSERT IGNORE INTO staff_account (person_id, username, password_hash, created_at,
  updated_at) SELECT 4000000, 'benchstreet', password_hash, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)
  FROM governance.staff_account WHERE username = 'street1'"
node bench/console/timing.js http://127.0.0.1:5092 benchstreet demo2026 \
  "Bench data set (汉江街道, 1,000,000 orders)" | tee -a "$out"
kill "$NODE"; wait "$NODE" 2>/dev/null || true
log "Written to $out"
