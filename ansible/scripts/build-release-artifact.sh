#!/usr/bin/env bash
# Builds the release artifact the vigil_release role installs, from a Git ref of this repository:
#   ansible/scripts/build-release-artifact.sh [REF]        (default HEAD)
#   -> ansible/artifacts/vigil-<version>.tar.gz  (one top-level directory vigil-<version>/)
# The tree is exported with `git archive` (so uncommitted changes never end up in a release), the console is
# built with `next build`, and the result carries the production node_modules, the FerretDB launcher and the
# Node.js runtime of this machine (node/bin/node), so the target needs no Node.js repository.
set -euo pipefail
ANSIBLE_DIR="$(cd "$(dirname "$0")/.." && pwd)"
REPO="$(cd "$ANSIBLE_DIR/.." && pwd)"
REF="${1:-HEAD}"
OUT_DIR="${VIGIL_ARTIFACT_DIR:-$ANSIBLE_DIR/artifacts}"

say() { printf '== %s\n' "$*" >&2; }
[ -d "$REPO/node_modules" ] || { echo "node_modules is missing: run scripts/setup.sh first" >&2; exit 1; }
NODE_BIN="$(command -v node)"
"$NODE_BIN" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
  { echo "Node.js 20 or newer is needed to build a release" >&2; exit 1; }

version="$(git -C "$REPO" show "$REF:package.json" | "$NODE_BIN" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).version))')"
commit="$(git -C "$REPO" rev-parse --short "$REF")"
stage="$(mktemp -d /tmp/vigil-release.XXXXXX)"
trap 'rm -rf "$stage"' EXIT
tree="$stage/vigil-$version"
mkdir -p "$tree" "$OUT_DIR"

say "exporting $REF ($commit), version $version"
git -C "$REPO" archive --format=tar "$REF" | tar -x -C "$tree"
# Hard links: fast, and next build does not write into node_modules.
cp -al "$REPO/node_modules" "$tree/node_modules"

say "building the console (next build)"
(cd "$tree" && NEXT_TELEMETRY_DISABLED=1 npx --no-install next build >"$stage/next-build.log" 2>&1) ||
  { tail -40 "$stage/next-build.log" >&2; echo "next build failed" >&2; exit 1; }
rm -rf "$tree/.next/cache"

say "FerretDB launcher"
if [ -x "$REPO/deploy/ferretdb/bin/vigil-ferretdb" ]; then
  mkdir -p "$tree/deploy/ferretdb/bin"
  cp "$REPO/deploy/ferretdb/bin/vigil-ferretdb" "$tree/deploy/ferretdb/bin/"
else
  bash "$tree/deploy/ferretdb/build.sh"
fi

say "Node.js runtime ($("$NODE_BIN" --version))"
mkdir -p "$tree/node/bin"
cp "$NODE_BIN" "$tree/node/bin/node"

say "dropping what only development and tests need"
rm -rf "$tree/tests" "$tree/ansible" "$tree/ovf" "$tree/.ci" "$tree/node_modules/.cache"
for dev in typescript playwright-core eslint @eslint @eslint-community @typescript-eslint typescript-eslint vitest @vitest \
  @next/eslint-plugin-next @types; do
  rm -rf "$tree/node_modules/$dev"
done
printf '%s\n' "$version ($commit)" >"$tree/RELEASE"

out="$OUT_DIR/vigil-$version.tar.gz"
say "packing $out"
tar -C "$stage" --owner=0 --group=0 --numeric-owner --mode=go-w -cf - "vigil-$version" | gzip -1 >"$out.partial"
mv "$out.partial" "$out"
sha256sum "$out" | tee "$out.sha256" >&2
du -h "$out" >&2
