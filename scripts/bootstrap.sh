#!/bin/sh
# Installs the Debian packages rcx needs to build and test, if any are missing.
# Safe to run repeatedly: it only calls apt-get when something is absent.
set -e
PKGS="meson ninja-build pkg-config gcc clang libclang-rt-14-dev libjansson-dev libsqlite3-dev
 libsodium-dev libmaxminddb-dev libpsl-dev libidn2-dev zlib1g-dev libzstd-dev libcmocka-dev python3 sqlite3
 libmicrohttpd-dev libjpeg62-turbo-dev libpng-dev libwebp-dev libgif-dev chromium curl python3-jsonschema
 libcurl4-openssl-dev"
# Node.js and npm (browser tests): Debian's nodejs and npm, unless the commands are already there.
# A NodeSource nodejs bundles npm and conflicts with Debian's npm package, so test the commands.
command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "bootstrap: installing$missing" >&2
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y --no-install-recommends $missing
