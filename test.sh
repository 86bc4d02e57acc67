#!/usr/bin/env bash
# ./test.sh   install/start MariaDB (and Chromium for the browser tests), then run the whole test suite against a
#             throw-away database (the tests drop and rebuild it from sql/ on every run). Extra args go to dotnet test.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/mariadb.sh
source scripts/chromium.sh

DB_NAME="${GOVERNANCE_TEST_DB_NAME:-governance_test}"
mariadb_start
mariadb_ensure_user_and_db "$DB_NAME"
chromium_install
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium)}"
export GOVERNANCE_TEST_CONNECTION_STRING="$(connection_string "$DB_NAME")"
export GOVERNANCE_TEST_DATA_ROOT="$DATA_DIR/test-files"

log "Running tests"
dotnet test Governance.sln -c Release -nologo "$@"
