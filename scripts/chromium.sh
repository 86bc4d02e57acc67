# Debian's Chromium and a Chinese font for the browser tests (sourced by test.sh). Playwright drives this browser
# through ExecutablePath: nothing is downloaded from a browser vendor.
chromium_install() {
  if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then
    return
  fi
  log "Installing Chromium and a Chinese font (Debian packages)"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    chromium fonts-wqy-microhei fontconfig >/dev/null
}
