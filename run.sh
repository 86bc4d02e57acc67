#!/usr/bin/env bash
# ./run.sh          install/start MariaDB, migrate, seed the demo data, serve the API (sandbox WeChat)
# ./run.sh stop     stop the private MariaDB instance
# ./run.sh migrate  only apply migrations
set -euo pipefail
cd "$(dirname "$0")"
source scripts/mariadb.sh

DB_NAME="${GOVERNANCE_DB_NAME:-governance}"
URLS="${GOVERNANCE_URLS:-http://127.0.0.1:5080}"

case "${1:-serve}" in
  stop) mariadb_stop; exit 0 ;;
  serve|migrate) ;;
  *) echo "usage: ./run.sh [serve|migrate|stop]" >&2; exit 2 ;;
esac

mariadb_start
mariadb_ensure_user_and_db "$DB_NAME"
export Database__ConnectionString="$(connection_string "$DB_NAME")"
export Storage__DataRoot="$DATA_DIR/files"
# Sandbox, said explicitly: the built-in WeChat simulator, the chat page and the development sign-in. A real account
# is "live" and needs its credentials (see the README); the node refuses to start without them.
export Wechat__Mode="${Wechat__Mode:-sandbox}"

log "Building"
dotnet build src/Api/Governance.Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
BIN="$PWD/src/Api/bin/Release/net10.0"
api() { dotnet "$BIN/Governance.Api.dll" "$@" --contentRoot "$BIN"; }

log "Migrating"
api migrate
if [ "${1:-serve}" = migrate ]; then exit 0; fi
log "Seeding demo data"
api seed
log "Computing statistics (the days not computed yet)"
api statistics

cat <<MSG

  Governance is starting on $URLS   (Ctrl+C to stop the API; ./run.sh stop stops MariaDB)

  Staff console:  $URLS/console/   demo sign-in: street1 / demo2026 (莲花街道 street admin); also sec11 (城东社区
                  secretary), grid1111 (grid worker), county, unit1 — every demo account's password is demo2026;
                  or 微信扫码登录: the sandbox's QR page lets you scan as street1, sec11 or grid1111
  API reference:  $URLS/docs
  Sandbox chat (play a resident in the official account):  $URLS/sandbox
  Health:      curl $URLS/healthz
  OpenAPI:     curl $URLS/openapi/v1.json
  Categories:  curl $URLS/api/categories
  Area tree:   curl $URLS/api/areas
  Report as the demo resident (person 1001):
    curl -H 'Authorization: Dev 1001' -F categoryId=2 -F description='3号楼楼道灯坏了' -F buildingId=111103 $URLS/api/orders
  Orders in 城东社区 as its secretary (person 9011):
    curl -H 'Authorization: Dev 9011' '$URLS/api/orders?areaId=11'
  Sign in as the mini-program would (sandbox hands out the wx.login code):
    curl -X POST '$URLS/sandbox/api/login-code?openid=o_mp_me'   then   curl -X POST $URLS/api/auth/login -H 'Content-Type: application/json' -d '{"code":"…"}'

MSG
exec dotnet "$BIN/Governance.Api.dll" serve --urls "$URLS" --contentRoot "$BIN"
