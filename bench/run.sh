#!/usr/bin/env bash
# bench/run.sh [--fresh] [--quick] [scenario ...]
#   Runs the benchmarks (classifier, scans, indexes, digest, broadcast, gateway, twonodes; default all) against the private
#   MariaDB instance of ./run.sh, in the database governance_bench. The dataset (1,000,000 orders, 20,000 members,
#   20,000 residents) is generated on the first run and reused; --fresh rebuilds it. --quick runs smaller loads.
#   Results: printed, and written to bench/results/<time>.md and bench/results/latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/mariadb.sh

DB_NAME="${GOVERNANCE_BENCH_DB_NAME:-governance_bench}"
mariadb_start
mariadb_ensure_user_and_db "$DB_NAME"
# The per-statement tables read (and reset) the server's statement digests.
mariadb_sql -e "GRANT SELECT, UPDATE, DROP ON performance_schema.* TO '$DB_USER'@'127.0.0.1'"
# The index scenario reads (and flushes) MariaDB's per-index statistics, collected while the bench runs.
mariadb_sql -e "GRANT RELOAD ON *.* TO '$DB_USER'@'127.0.0.1'; SET GLOBAL userstat = 1"
trap 'mariadb_sql -e "SET GLOBAL userstat = 0" || true' EXIT
export GOVERNANCE_BENCH_CONNECTION_STRING="$(connection_string "$DB_NAME")"
export GOVERNANCE_ROOT="$PWD"

log "Building (Release)"
dotnet build bench/Governance.Bench/Governance.Bench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
log "Running benchmarks"
dotnet bench/Governance.Bench/bin/Release/net10.0/Governance.Bench.dll "$@"
