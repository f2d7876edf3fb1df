#!/usr/bin/env bash
# Builds deploy/ferretdb/bin/vigil-ferretdb (embedded FerretDB launcher).
# Skips the build when the binary is newer than its *.go files (overlay too), go.mod and go.sum.
# Usage: deploy/ferretdb/build.sh [--force]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$here/bin/vigil-ferretdb"

force=0
case "${1:-}" in
  "") ;;
  -f|--force) force=1 ;;
  *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac

if [[ -n "${GO_BIN:-}" ]]; then
  go=$GO_BIN # chosen by scripts/setup.sh
elif command -v go >/dev/null 2>&1; then
  go=go
elif [[ -x /usr/local/go/bin/go ]]; then
  go=/usr/local/go/bin/go
else
  echo "build.sh: Go toolchain not found (neither 'go' on PATH nor /usr/local/go/bin/go)" >&2
  exit 1
fi

if [[ $force -eq 0 && -x "$bin" ]]; then
  stale=0
  for src in "$here"/*.go "$here"/overlay/*/*.go "$here/go.mod" "$here/go.sum"; do
    if [[ "$src" -nt "$bin" ]]; then
      stale=1
      break
    fi
  done
  if [[ $stale -eq 0 ]]; then
    echo "build.sh: $bin is up to date" >&2
    exit 0
  fi
fi

mkdir -p "$here/bin"
echo "build.sh: building $bin with $("$go" version)" >&2

cd "$here"
# Build to a temporary name and rename, so a concurrent reader never sees a partial binary.
tmp="$(mktemp "$here/bin/.vigil-ferretdb.XXXXXX")"
src="$here/bin/ferretdb-src"
# Whatever the outcome, the temporary binary (if not renamed yet) and the module copy go.
trap 'rm -rf "$tmp" "$src" "$here/bin/build.mod" "$here/bin/build.sum"' EXIT
# GOFLAGS=-mod=readonly: go.mod/go.sum are committed; never rewrite them during a build.
export GOFLAGS=-mod=readonly
# FerretDB's resource tracking is replaced by overlay/resource (README "Resource tracking"): the build uses a copy
# of the FerretDB module with that package's file swapped, through a go.mod of its own with a replace directive
# (go.mod itself stays as committed; the module cache is read-only, and -overlay may not name files in it). A copy
# left by a build that was killed is replaced.
"$go" mod download github.com/FerretDB/FerretDB
ferret_dir="$("$go" list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)"
rm -rf "$src"
cp -R "$ferret_dir" "$src"
chmod -R u+w "$src"
cp "$here/overlay/resource/resource.go" "$src/internal/util/resource/resource.go"
{ cat "$here/go.mod"; printf '\nreplace github.com/FerretDB/FerretDB => %s\n' "$src"; } > "$here/bin/build.mod"
cp "$here/go.sum" "$here/bin/build.sum"
"$go" build -trimpath -modfile "$here/bin/build.mod" -o "$tmp" .
chmod 0755 "$tmp"
mv -f "$tmp" "$bin"

echo "build.sh: built $bin ($("$bin" --version))" >&2
