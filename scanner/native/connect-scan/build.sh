#!/usr/bin/env bash
# Builds scanner/native/connect-scan/bin/vigil-connect-scan, the scanner node's connect-scan helper.
# Reproducible: no cgo, no paths, no VCS stamp and no build id in the binary, so the same sources and Go
# release give the same bytes (the SHA-256 is printed to compare). Standard library only: nothing is downloaded.
# Usage: scanner/native/connect-scan/build.sh [--force]   (GO_BIN picks the toolchain, as in scripts/setup.sh)
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$dir/bin/vigil-connect-scan"
go="${GO_BIN:-$(command -v go || echo /usr/local/go/bin/go)}"
[ -x "$go" ] || command -v "$go" >/dev/null || { echo "connect-scan: no Go toolchain (set GO_BIN)" >&2; exit 1; }

if [ "${1:-}" != "--force" ] && [ -x "$out" ] && [ -z "$(find "$dir" -maxdepth 1 \( -name '*.go' -o -name go.mod \) -newer "$out")" ]; then
  echo "connect-scan: $out is up to date" >&2
  exit 0
fi
mkdir -p "$dir/bin"
partial="$(mktemp "$dir/bin/.partial.XXXXXX")" # renamed into place: a running node never sees half a binary
trap 'rm -f "$partial"' EXIT
(cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=readonly "$go" build -trimpath -buildvcs=false -ldflags='-s -w -buildid=' -o "$partial" .)
chmod 0755 "$partial"
mv -f "$partial" "$out"
trap - EXIT
echo "connect-scan: built $out with $("$go" version | cut -d' ' -f3), sha256 $(sha256sum "$out" | cut -d' ' -f1)" >&2
