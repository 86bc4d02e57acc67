#!/usr/bin/env bash
# Shared by run.sh and test.sh: install MariaDB if missing, start a private instance under
# the project's data folder (own port, socket, 127.0.0.1 only, utf8mb4, UTC), create a
# database and an application user. Every step is idempotent so a second call is quick.
# GOVERNANCE_DATA_DIR and GOVERNANCE_DB_PORT choose the instance; MARIADB_EXTRA_CNF adds [mysqld] lines (the replica
# bench's binlog and server ids).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${GOVERNANCE_DATA_DIR:-$ROOT/.data}"
DB_DIR="$DATA_DIR/mariadb"
DB_PORT="${GOVERNANCE_DB_PORT:-3307}"
DB_SOCKET="$DB_DIR/mariadb.sock"
DB_CNF="$DB_DIR/my.cnf"
DB_USER="${GOVERNANCE_DB_USER:-governance}"
DB_PASSWORD="${GOVERNANCE_DB_PASSWORD:-governance-dev}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

mariadb_install() {
  if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then return 0; fi
  log "MariaDB is not installed; installing mariadb-server from Debian packages"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >/dev/null
}

mariadb_bin() {
  local name="$1"
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; else echo "/usr/sbin/$name"; fi
}

mariadb_write_config() {
  mkdir -p "$DB_DIR/data" "$DB_DIR/tmp"
  local user_line=""
  if [ "$(id -u)" -eq 0 ]; then user_line="user=root"; fi
  cat > "$DB_CNF" <<CNF
[client]
socket=$DB_SOCKET
port=$DB_PORT
default-character-set=utf8mb4

[mysqld]
$user_line
datadir=$DB_DIR/data
tmpdir=$DB_DIR/tmp
socket=$DB_SOCKET
pid-file=$DB_DIR/mariadb.pid
log-error=$DB_DIR/mariadb.err
port=$DB_PORT
bind-address=127.0.0.1
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
default-time-zone='+00:00'
max_connections=500
innodb_buffer_pool_size=2G
innodb_log_file_size=512M
innodb_flush_log_at_trx_commit=2
# Index builds (migrations, the benchmark generator) sort in memory instead of merging many small runs on disk.
innodb_sort_buffer_size=64M
# performance_schema is on but records nothing until the benchmarks switch statement digests on for a measured
# stretch (bench/Governance.Bench/StatementProfile.cs): recording costs a fifth of the server's time.
performance_schema=ON
performance-schema-instrument='%=OFF'
performance-schema-consumer-events-statements-current=OFF
skip-name-resolve
${MARIADB_EXTRA_CNF:-}
CNF
}

mariadb_running() {
  "$(mariadb_bin mariadb-admin)" --defaults-file="$DB_CNF" --user=root ping >/dev/null 2>&1
}

mariadb_start() {
  mariadb_install
  mariadb_write_config
  if mariadb_running; then return 0; fi
  if [ ! -d "$DB_DIR/data/mysql" ]; then
    log "Initialising a private MariaDB data folder in $DB_DIR"
    "$(mariadb_bin mariadb-install-db)" --defaults-file="$DB_CNF" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$DB_DIR/install.log" 2>&1
  fi
  log "Starting MariaDB on 127.0.0.1:$DB_PORT"
  nohup "$(mariadb_bin mariadbd)" --defaults-file="$DB_CNF" >/dev/null 2>&1 &
  for _ in $(seq 1 150); do
    if mariadb_running; then return 0; fi
    sleep 0.2
  done
  echo "MariaDB did not start; see $DB_DIR/mariadb.err" >&2
  tail -20 "$DB_DIR/mariadb.err" >&2 || true
  exit 1
}

mariadb_stop() {
  if [ -f "$DB_DIR/mariadb.pid" ]; then
    local pid; pid="$(cat "$DB_DIR/mariadb.pid")"
    log "Stopping MariaDB (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  fi
}

mariadb_sql() {
  "$(mariadb_bin mariadb)" --defaults-file="$DB_CNF" --user=root --protocol=socket "$@"
}

# The application user may create the databases whose names start with "governance"
# (tests create scratch databases to prove migrations run on an empty schema).
mariadb_ensure_user_and_db() {
  local db="$1"
  mariadb_sql <<SQL
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON \`governance%\`.* TO '$DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`governance%\`.* TO '$DB_USER'@'localhost';
CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
SQL
}

connection_string() {
  local db="$1"
  echo "Server=127.0.0.1;Port=$DB_PORT;Database=$db;User ID=$DB_USER;Password=$DB_PASSWORD;CharSet=utf8mb4;SslMode=None;Pooling=true;Max Pool Size=200"
}
