#!/usr/bin/env bash
# Vigil set-up: everything a fresh Debian 12 machine needs to run and test Vigil.
# Idempotent: re-running skips what is already in place.
#   1. Debian packages (libmongocrypt for field-level encryption, a C++ toolchain for its
#      binding, Chromium for browser tests, PostgreSQL for the test database, OpenSSH server,
#      python3-rpm and dpkg for cross-checking version comparers, debsecan for the detection
#      benchmark, ansible + ansible-lint + yamllint + debootstrap for the deployment roles and
#      their chroot convergence test).
#   2. Go (for the FerretDB launcher and the connect-scan helper) when the machine has none new enough.
#   3. npm ci (building mongodb-client-encryption 6.0.0 against Debian's libmongocrypt).
#   4. The FerretDB launcher (deploy/ferretdb), the scanner's connect-scan helper
#      (scanner/native/connect-scan) and the Next.js console build.
#   5. PostgreSQL running and reachable for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

DEBIAN_PACKAGES=(libmongocrypt-dev pkg-config build-essential python3 ca-certificates chromium postgresql postgresql-client openssh-server openssh-client iproute2 bzip2 python3-rpm debsecan ansible ansible-lint yamllint debootstrap sudo nmap nftables)

log "Debian packages"
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "all present"
fi

log "Go toolchain"
GO_BIN="$(command -v go || true)"
[ -z "$GO_BIN" ] && [ -x /usr/local/go/bin/go ] && GO_BIN=/usr/local/go/bin/go
go_minor() { "$1" env GOVERSION 2>/dev/null | sed -E 's/^go1\.([0-9]+).*/\1/'; }
if [ -z "$GO_BIN" ] || [ "$(go_minor "$GO_BIN")" -lt 21 ] 2>/dev/null; then
  # Debian 12 ships Go 1.19, older than FerretDB needs. The Go module proxy distributes
  # release toolchains as the module golang.org/toolchain (what GOTOOLCHAIN=auto uses).
  dpkg-query -W golang-go >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq golang-go
  TOOLCHAIN_VERSION=v0.0.1-go1.24.11.linux-amd64
  dir=$(cd /tmp && GOFLAGS=-mod=mod /usr/bin/go mod download -json "golang.org/toolchain@${TOOLCHAIN_VERSION}" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  chmod +x "$dir"/bin/* "$dir"/pkg/tool/*/* 2>/dev/null || true
  GO_BIN="$dir/bin/go"
fi
echo "using $("$GO_BIN" version)"
export GO_BIN
# The launcher's Go tests (tests/deploy/ferretdb/launcher-go-tests.int.test.ts) use the same toolchain.
mkdir -p deploy/ferretdb/bin && printf '%s\n' "$GO_BIN" >deploy/ferretdb/bin/go-path

log "npm packages"
# mongodb-client-encryption 6.0.0 is compiled against Debian's libmongocrypt (the prebuilt
# binaries cannot be downloaded here); Node 20's headers need -fpermissive. .npmrc sets nodedir.
export BUILD_TYPE=dynamic CXXFLAGS=-fpermissive
export NEXT_TELEMETRY_DISABLED=1 # an appliance phones nobody
npm ci --no-fund --no-audit
node -e "require('mongodb-client-encryption')" || { echo "mongodb-client-encryption did not build" >&2; exit 1; }

log "FerretDB launcher"
bash deploy/ferretdb/build.sh

log "connect-scan helper"
bash scanner/native/connect-scan/build.sh

log "console build"
npx next build

log "PostgreSQL (test database)"
bash scripts/ensure-postgres.sh

log "set-up complete"
