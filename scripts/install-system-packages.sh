#!/usr/bin/env bash
# Installs the Debian packages a purpose needs ("demo" or "test"), only those missing.
set -euo pipefail
purpose=${1:-test}

needed=()
have_command() { command -v "$1" >/dev/null 2>&1; }
have_cjk_font() { ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1; }
have_postgres_server() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }

case "$purpose" in
  demo)
    # Route-sheet PDFs: WeasyPrint's text layout and a font with Chinese glyphs.
    ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0" || needed+=(libpango-1.0-0 libpangoft2-1.0-0)
    have_cjk_font || needed+=(fonts-noto-cjk fontconfig)
    ;;
  test)
    have_postgres_server || needed+=(postgresql)
    have_command runuser || needed+=(util-linux)
    have_command chromium || needed+=(chromium)
    have_command redis-server || needed+=(redis-server)
    have_cjk_font || needed+=(fonts-noto-cjk fontconfig)
    ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0" || needed+=(libpango-1.0-0 libpangoft2-1.0-0)
    ;;
  *)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac

if [ ${#needed[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "需要安装系统软件包 / missing Debian packages: ${needed[*]} (run as root, or: sudo apt-get install ${needed[*]})" >&2
  exit 1
fi
echo "安装系统软件包 / installing Debian packages: ${needed[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
