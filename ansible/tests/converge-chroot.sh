#!/usr/bin/env bash
# Idempotence test: converges every role but vigil_mongodb (site.yml with the appliance inventory's settings:
# vigil_base, vigil_ferretdb, vigil_console, vigil_backup, plus vigil_loadbalancer, vigil_scanner and vigil_gitops) into a
# fresh Debian 12 debootstrap root through the chroot connection, twice.
# The second run must report changed=0. Needs root, debootstrap, Debian's ansible, and a release artifact
# (ansible/scripts/build-release-artifact.sh). Services are installed and enabled, never started
# (vigil_manage_services=false): nothing runs, listens or touches the host's firewall, sysctls or audit rules.
#
#   bash ansible/tests/converge-chroot.sh            # base root cached in $VIGIL_CONVERGE_DIR (/var/tmp/vigil-converge)
#   VIGIL_CONVERGE_KEEP=1 bash ansible/tests/converge-chroot.sh   # keep the converged root for inspection
#   VIGIL_CONVERGE_SMOKE=0 …                                      # skip the smoke run of the appliance stack
# The smoke run starts, inside the converged root and in private network and PID namespaces (only a loopback
# of its own; everything dies with the namespace), what the units would start: PostgreSQL, the FerretDB
# launcher with its unit's command line, and `vigil start` through /usr/local/sbin/vigil, then asks
# https://127.0.0.1:8443/api/health and /api/ready.
set -euo pipefail
ANSIBLE_DIR="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${VIGIL_CONVERGE_DIR:-/var/tmp/vigil-converge}"
MIRROR="${VIGIL_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ROOT="$WORK/root"
BASE_TAR="$WORK/bookworm-base.tar"

say() { printf '\n== %s\n' "$*"; }
[ "$(id -u)" -eq 0 ] || { echo "run as root (debootstrap and chroot need it)" >&2; exit 2; }
for tool in debootstrap ansible-playbook; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install debootstrap ansible" >&2; exit 2; }
done
version="$(sed -n 's/^vigil_release_version: "\(.*\)"/\1/p' "$ANSIBLE_DIR/inventories/appliance/group_vars/all/main.yml")"
artifact="${VIGIL_ARTIFACT:-$ANSIBLE_DIR/artifacts/vigil-$version.tar.gz}"
[ -f "$artifact" ] || { echo "no release artifact at $artifact: run ansible/scripts/build-release-artifact.sh" >&2; exit 2; }
mkdir -p "$WORK"

# shellcheck source=../scripts/chroot-root.sh
. "$ANSIBLE_DIR/scripts/chroot-root.sh"
cleanup() {
  chroot_release
  if [ "${VIGIL_CONVERGE_KEEP:-0}" != 1 ]; then rm -rf "$ROOT"; fi
}
trap cleanup EXIT

t0=$(date +%s)
[ -f "$BASE_TAR" ] || say "debootstrap bookworm (once; cached as $BASE_TAR)"
chroot_base_tarball "$BASE_TAR" "$MIRROR" python3,python3-apt,ca-certificates "$WORK/debootstrap.log"
say "fresh root from $BASE_TAR"
rm -rf "$ROOT"
mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$BASE_TAR"
t_root=$(($(date +%s) - t0))

chroot_prepare "$ROOT"

{
  chroot_inventory vigil-chroot "$ROOT"
  cat <<INVENTORY
        vigil_ferretdb:
          hosts:
            vigil-chroot:
        vigil_backup:
          hosts:
            vigil-chroot:
        vigil_loadbalancer:
          hosts:
            vigil-chroot:
        vigil_scanner:
          hosts:
            vigil-chroot:
        vigil_gitops:
          hosts:
            vigil-chroot:
          vars:
            vigil_gitops_repo_url: file:///srv/vigil-cluster.git
            vigil_gitops_allowed_signers:
              - ops@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ3v7lXyConvergeStandInKeyOnlyNeverUsed00
INVENTORY
} >"$WORK/inventory.yml"

converge() {
  # The appliance inventory supplies the settings (its group_vars); only the chroot host is targeted.
  SYSTEMD_OFFLINE=1 ANSIBLE_CONFIG="$ANSIBLE_DIR/ansible.cfg" ANSIBLE_NOCOLOR=1 ansible-playbook \
    -i "$ANSIBLE_DIR/inventories/appliance" -i "$WORK/inventory.yml" --limit vigil-chroot \
    -e vigil_manage_services=false -e "vigil_release_artifact_src=$artifact" \
    -e vigil_scanner_server_url=https://127.0.0.1:8443 -e vigil_scanner_enrollment_token=test-only-never-used \
    "$ANSIBLE_DIR/site.yml" >"$1" 2>&1 || { tail -60 "$1" >&2; echo "converge failed, log: $1" >&2; exit 1; }
  grep -E '^vigil-chroot +:' "$1"
}

say "first converge"
t1=$(date +%s)
converge "$WORK/converge-1.log"
t_first=$(($(date +%s) - t1))
say "second converge (must change nothing)"
t2=$(date +%s)
converge "$WORK/converge-2.log"
t_second=$(($(date +%s) - t2))

say "checks inside the converged root"
changed2=$(sed -nE 's/^vigil-chroot +:.*changed=([0-9]+).*/\1/p' "$WORK/converge-2.log")
if [ "$changed2" != 0 ]; then
  grep -E '^changed:' -B3 "$WORK/converge-2.log" >&2 || true
  echo "FAIL: the second run changed $changed2 task(s)" >&2
  exit 1
fi
check() { if "$@"; then echo "ok: ${*: -1}"; else echo "FAIL: $*" >&2; exit 1; fi; }
mode() { [ "$(stat -c '%a %U' "$ROOT$2")" = "$1" ]; }
check mode "600 root" /etc/vigil/vigil.env
check mode "600 root" /etc/nftables.conf
check mode "600 root" /etc/ssh/sshd_config.d/50-vigil.conf
check chroot "$ROOT" /usr/sbin/sshd -t
for unit in vigil-console.service vigil-ferretdb.service vigil-backup.timer vigil-scanner.service haproxy.service \
  nftables.service auditd.service chrony.service ssh.service postgresql.service vigil-gitops.timer; do
  check systemctl --root="$ROOT" --quiet is-enabled "$unit"
done
check chroot "$ROOT" systemd-analyze verify --man=no /etc/systemd/system/vigil-console.service \
  /etc/systemd/system/vigil-ferretdb.service /etc/systemd/system/vigil-ferretdb-pginit.service \
  /etc/systemd/system/vigil-backup.service /etc/systemd/system/vigil-backup.timer /etc/systemd/system/vigil-scanner.service \
  /etc/systemd/system/vigil-gitops.service /etc/systemd/system/vigil-gitops.timer
check chroot "$ROOT" /usr/sbin/haproxy -c -q -f /etc/haproxy/haproxy.cfg
check chroot "$ROOT" readlink -e /opt/vigil/current/bin/vigil.mjs
# The installed release runs on the target (its own Node.js, as the vigil account): the CLI answers.
check chroot "$ROOT" /usr/local/sbin/vigil --help
# The GitOps tool runs with the settings the role wrote (it refuses to start on a configuration problem).
check chroot "$ROOT" sh -c 'set -a; . /etc/vigil/gitops.env; exec /usr/local/sbin/vigil-gitops status >/dev/null'

t_smoke=skipped
if [ "${VIGIL_CONVERGE_SMOKE:-1}" = 1 ]; then
  say "smoke run of the converged appliance (private network and PID namespaces)"
  cat >"$ROOT/tmp/vigil-smoke.sh" <<'SMOKE'
#!/bin/sh
set -eu
ip link set lo up
pg_version=$(ls /etc/postgresql)
su postgres -s /bin/sh -c "pg_ctlcluster $pg_version main start"
su postgres -s /bin/sh -c /usr/local/lib/vigil/ferretdb-pginit.sh
ferretdb=$(sed -n '/^ExecStart=/,/[^\\]$/p' /etc/systemd/system/vigil-ferretdb.service | sed 's/^ExecStart=//; s/\\$//' | tr '\n' ' ')
setpriv --reuid=ferretdb --regid=ferretdb --init-groups -- $ferretdb >/tmp/ferretdb.out 2>/tmp/ferretdb.err &
/usr/local/sbin/vigil start >/tmp/console.out 2>&1 &
for i in $(seq 1 180); do
  if curl -fsS --cacert /var/lib/vigil/tls/ca.crt https://127.0.0.1:8443/api/health >/tmp/health.json 2>/dev/null; then
    echo "healthy after ${i} s: $(cat /tmp/health.json)"
    curl -sS --cacert /var/lib/vigil/tls/ca.crt https://127.0.0.1:8443/api/ready; echo
    exit 0
  fi
  sleep 1
done
echo "the console did not become healthy" >&2
cat /tmp/ferretdb.out /tmp/ferretdb.err >&2; tail -20 /tmp/console.out >&2
exit 1
SMOKE
  chmod 0755 "$ROOT/tmp/vigil-smoke.sh"
  ts=$(date +%s)
  unshare --net --pid --fork --mount -- sh -c \
    "mount -t proc proc '$ROOT/proc' && mount -t sysfs sysfs '$ROOT/sys' && exec chroot '$ROOT' /tmp/vigil-smoke.sh"
  t_smoke="$(($(date +%s) - ts))s"
fi

printf '\nroot from cache %ss, first converge %ss, second %ss, smoke %s; first: %s; second: %s\n' "$t_root" "$t_first" \
  "$t_second" "$t_smoke" \
  "$(grep -E '^vigil-chroot' "$WORK/converge-1.log" | grep -oE 'ok=[0-9]+ +changed=[0-9]+')" \
  "$(grep -E '^vigil-chroot' "$WORK/converge-2.log" | grep -oE 'ok=[0-9]+ +changed=[0-9]+')"
