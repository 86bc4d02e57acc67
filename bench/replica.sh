#!/usr/bin/env bash
# bench/replica.sh [--fresh] [--quick] | stop
#   The county at the statistics issue's scale (108 communities, 432 grids, 176 units, 20,000 members, 1,000,000
#   orders over three years) on a primary with a real replica: two private MariaDB instances on loopback (primary
#   127.0.0.1:3310 with binlog, replica 127.0.0.1:3311, GTID replication), then the "replica" scenario.
#   The first run generates the county on the primary, copies the primary's data folder to the replica (faster than
#   replicating the generator's millions of rows) and starts replication from there; later runs reuse both.
#   --fresh starts over. Results: bench/results/<time>.md (and latest.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
FRESH=0
ARGS=()
for a in "$@"; do
  if [ "$a" = --fresh ]; then FRESH=1; else ARGS+=("$a"); fi
done

PRIMARY_DIR="$ROOT/.data/bench-primary"
REPLICA_DIR="$ROOT/.data/bench-replica"
PRIMARY_PORT=3310
REPLICA_PORT=3311
DB_NAME=governance_county
REPL_PASSWORD=replica-bench
PRIMARY_CNF=$'server-id=1\nlog-bin=primary-bin\nbinlog_format=ROW\nmax_binlog_size=256M\nexpire_logs_days=2'
REPLICA_CNF=$'server-id=2\nread_only=1\nrelay-log=replica-relay\nskip-slave-start=1\nslave_parallel_threads=2'

# Runs a function of scripts/mariadb.sh against one of the two instances.
on() {
  local dir="$1" port="$2" cnf="$3"; shift 3
  (
    export GOVERNANCE_DATA_DIR="$dir" GOVERNANCE_DB_PORT="$port" MARIADB_EXTRA_CNF="$cnf"
    source scripts/mariadb.sh
    "$@"
  )
}
primary() { on "$PRIMARY_DIR" "$PRIMARY_PORT" "$PRIMARY_CNF" "$@"; }
replica() { on "$REPLICA_DIR" "$REPLICA_PORT" "$REPLICA_CNF" "$@"; }
conn() { on "$1" "$2" "" connection_string "$DB_NAME"; }

if [ "${1:-}" = stop ]; then
  replica mariadb_stop || true
  primary mariadb_stop || true
  exit 0
fi

source scripts/mariadb.sh
log "Building (Release)"
dotnet build Governance.sln -c Release -nologo -v quiet -clp:ErrorsOnly

export GOVERNANCE_ROOT="$ROOT" GOVERNANCE_BENCH_DATASET=county
export GOVERNANCE_BENCH_CONNECTION_STRING="$(conn "$PRIMARY_DIR" "$PRIMARY_PORT")"
BENCH="dotnet bench/Governance.Bench/bin/Release/net10.0/Governance.Bench.dll"

if [ "$FRESH" = 1 ] || [ ! -f "$REPLICA_DIR/replicating" ]; then
  replica mariadb_stop || true
  primary mariadb_stop || true
  rm -rf "$PRIMARY_DIR" "$REPLICA_DIR"
  # 1. The county on the primary, before its binlog is switched on: the replica gets it as a copy of the files.
  on "$PRIMARY_DIR" "$PRIMARY_PORT" "server-id=1" mariadb_start
  on "$PRIMARY_DIR" "$PRIMARY_PORT" "server-id=1" mariadb_ensure_user_and_db "$DB_NAME"
  log "Generating the county on the primary (once)"
  $BENCH prepare
  on "$PRIMARY_DIR" "$PRIMARY_PORT" "server-id=1" mariadb_stop
  log "Copying the primary's data folder to the replica"
  mkdir -p "$REPLICA_DIR/mariadb"
  cp -a "$PRIMARY_DIR/mariadb/data" "$REPLICA_DIR/mariadb/data"
  # 2. The primary with its binlog from here on; the replica follows it from the binlog's start.
  primary mariadb_start
  primary mariadb_sql <<SQL
CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' IDENTIFIED BY '$REPL_PASSWORD';
GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';
SQL
  replica mariadb_start
  replica mariadb_sql <<SQL
STOP SLAVE;
RESET SLAVE ALL;
SET GLOBAL gtid_slave_pos = '';
CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$PRIMARY_PORT, MASTER_USER='repl',
  MASTER_PASSWORD='$REPL_PASSWORD', MASTER_USE_GTID=slave_pos;
START SLAVE;
SQL
  touch "$REPLICA_DIR/replicating"
else
  primary mariadb_start
  replica mariadb_start
  replica mariadb_sql -e "START SLAVE"
fi
replica mariadb_sql -e "SHOW SLAVE STATUS\G" | grep -E "Slave_(IO|SQL)_Running:|Last_Error:|Gtid_IO_Pos:" || true
export GOVERNANCE_BENCH_REPLICA_CONNECTION_STRING="$(conn "$REPLICA_DIR" "$REPLICA_PORT")"
log "Running the replica scenario"
$BENCH replica "${ARGS[@]}"
log "Both servers keep running for the next run; bench/replica.sh stop stops them"
