#!/usr/bin/env bash
# `npm run test:upgrade`: a rolling upgrade of a two-node Vigil deployment while the console is asked for its
# health through the load balancer every 250 ms; the run passes only when not one of those checks fails.
#
#   1. Releases: A = ansible/artifacts/vigil-<package.json version>.tar.gz (scripts/build-release-artifact.sh),
#      B = the same tree with the next patch version (what an upgrade installs), C = a broken release whose
#      console exits at once (package.json, bin/vigil.mjs, .next/BUILD_ID and node/bin/node: it passes the
#      vigil_release checks, its service never starts).
#   2. One Debian 12 root file system (debootstrap cache shared with ovf/build-ova.sh) provisioned through the
#      chroot connection as a console node of this test's inventory (vigil_base with an admin account whose SSH
#      key is made here, vigil_console with release A, vigil_manage_services=false), as an ext4 image; cached
#      in $VIGIL_UPGRADE_DIR (/var/tmp/vigil-upgrade) until release A or the inventory's settings change.
#   3. Two VMs (node1, node2) boot that image through copy-on-write overlays, by QEMU's direct kernel boot (no
#      boot loader), 1 vCPU and 3 GiB each: KVM, or TCG software emulation when qemu dies or the kernel prints
#      nothing within 120 s (nested KVM on the shared development machine does both). NIC 1: user-mode networking (Debian mirror for APT; SSH and node1's HTTPS reachable only through
#      127.0.0.1:<free port> forwards). NIC 2: a private link between the two VMs (QEMU socket netdev over
#      127.0.0.1) with IPv6 ULA addresses, on which HAProxy reaches the consoles and node2 reaches the database.
#   4. site.yml over SSH: node1 = FerretDB on PostgreSQL (listening on the private link, 27017 open to node2
#      only) + console + HAProxy on 443; node2 = console. One TLS certificate for both consoles (a CA made here),
#      one master key. Then, with tests/health-poller.py asking https://vigil.upgrade.test/api/health through the
#      forward to HAProxy and tests/haproxy-sampler.py logging HAProxy's view of the servers on node1:
#        upgrade.yml -e vigil_release_version=B   must succeed, both nodes on B, 0 failed checks;
#        upgrade.yml -e vigil_release_version=C   must fail on node1, roll node1 back to B, leave node2 untouched
#                                                 (C not even unpacked there), 0 failed checks.
# Root; Debian packages: debootstrap ansible qemu-system-x86 qemu-utils e2fsprogs openssh-client openssl python3.
# Environment: VIGIL_UPGRADE_DIR, VIGIL_UPGRADE_REBUILD=1 (provision the image again), VIGIL_UPGRADE_ACCEL=tcg,
# VIGIL_UPGRADE_KEEP=1 (leave the VMs running at the end, for a look: ssh commands are printed),
# VIGIL_DEBIAN_MIRROR, VIGIL_OVA_WORK (where the debootstrap cache lives, as for build-ova.sh).
set -euo pipefail
ANSIBLE_DIR="$(cd "$(dirname "$0")/.." && pwd)"
REPO="$(cd "$ANSIBLE_DIR/.." && pwd)"
WORK="${VIGIL_UPGRADE_DIR:-/var/tmp/vigil-upgrade}"
BASE_TAR="${VIGIL_OVA_WORK:-/var/tmp/vigil-ova}/bookworm-appliance-base.tar"
ROOT="$WORK/root"
INV="$WORK/inventory"
ROOT_UUID=7d2e9b4c-1f3a-4c5e-8b6d-2a9f0c1e3d57
PRIVATE_PREFIX=fd56:6967:696c:1        # IPv6 ULA of the link between the VMs
PUBLIC_NAME=vigil.upgrade.test
ADMIN=vigil-upgrade

say() { printf '\n== [%s] %s\n' "$(date -u +%T)" "$*"; }
fail() { echo "test:upgrade: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "run as root (debootstrap, chroot and mkfs need it)"
missing=()
for tool in debootstrap ansible-playbook qemu-system-x86_64 qemu-img mkfs.ext4 ssh ssh-keygen openssl python3; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] ||
  fail "missing ${missing[*]}: apt-get install debootstrap ansible qemu-system-x86 qemu-utils e2fsprogs openssh-client openssl python3"

version_a="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' "$REPO/package.json")"
version_b="${version_a%.*}.$((${version_a##*.} + 1))"
version_c="$version_b-broken"
artifact_a="${VIGIL_ARTIFACT:-$ANSIBLE_DIR/artifacts/vigil-$version_a.tar.gz}"
[ -f "$artifact_a" ] || fail "no release artifact at $artifact_a: run ansible/scripts/build-release-artifact.sh"
mirror="${VIGIL_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$WORK/artifacts" "$INV/group_vars"

# shellcheck source=../scripts/chroot-root.sh
. "$ANSIBLE_DIR/scripts/chroot-root.sh"
qemu_pids=()
cleanup() {
  chroot_release
  rm -rf "$ROOT" "$WORK/stage"
  if [ "${VIGIL_UPGRADE_KEEP:-0}" = 1 ] && [ ${#qemu_pids[@]} -gt 0 ]; then
    echo "VMs left running (pids ${qemu_pids[*]}): ssh -i $WORK/id_ed25519 -p <port> $ADMIN@127.0.0.1 (ports in $INV/nodes.yml)"
    return
  fi
  stop_nodes
}
trap cleanup EXIT
t_start=$(date +%s)

say "releases A=$version_a, B=$version_b, C=$version_c (broken)"
ln -sf "$(readlink -f "$artifact_a")" "$WORK/artifacts/vigil-$version_a.tar.gz"
if [ ! -f "$WORK/artifacts/vigil-$version_b.tar.gz" ] || [ "$WORK/artifacts/vigil-$version_b.tar.gz" -ot "$artifact_a" ]; then
  rm -rf "$WORK/stage" && mkdir -p "$WORK/stage"
  tar -C "$WORK/stage" -xzf "$artifact_a"
  mv "$WORK/stage/vigil-$version_a" "$WORK/stage/vigil-$version_b"
  python3 - "$WORK/stage/vigil-$version_b/package.json" "$version_b" <<'PY'
import json, sys
path, version = sys.argv[1], sys.argv[2]
manifest = json.load(open(path))
manifest["version"] = version
json.dump(manifest, open(path, "w"), indent=2)
PY
  tar -C "$WORK/stage" --owner=0 --group=0 --numeric-owner -cf - "vigil-$version_b" | gzip -1 >"$WORK/artifacts/vigil-$version_b.tar.gz"
  rm -rf "$WORK/stage" && mkdir -p "$WORK/stage/vigil-$version_c/bin" "$WORK/stage/vigil-$version_c/.next"
  mkdir -p "$WORK/stage/vigil-$version_c/node/bin"
  tar -xzOf "$artifact_a" "vigil-$version_a/node/bin/node" >"$WORK/stage/vigil-$version_c/node/bin/node"
  chmod 0755 "$WORK/stage/vigil-$version_c/node/bin/node"
  printf '{ "name": "vigil", "version": "%s" }\n' "$version_c" >"$WORK/stage/vigil-$version_c/package.json"
  printf 'broken\n' >"$WORK/stage/vigil-$version_c/.next/BUILD_ID"
  printf 'console.error("release %s is broken on purpose (upgrade rollback test)");\nprocess.exit(1);\n' "$version_c" \
    >"$WORK/stage/vigil-$version_c/bin/vigil.mjs"
  tar -C "$WORK/stage" --owner=0 --group=0 --numeric-owner -czf "$WORK/artifacts/vigil-$version_c.tar.gz" "vigil-$version_c"
  rm -rf "$WORK/stage"
fi

say "inventory, SSH key, TLS certificate and master key (kept in $WORK)"
[ -f "$WORK/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C "$ADMIN@test-upgrade" -f "$WORK/id_ed25519"
tls="$WORK/tls"
if [ ! -f "$tls/console.crt" ]; then
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=Vigil upgrade test CA" \
    -keyout "$tls/ca-key.pem" -out "$tls/ca.crt" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$PUBLIC_NAME" \
    -keyout "$tls/console-key.pem" -out "$tls/console.csr" 2>/dev/null
  openssl x509 -req -in "$tls/console.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca-key.pem" -CAcreateserial -days 30 \
    -extfile <(printf 'subjectAltName=DNS:%s,DNS:localhost\nextendedKeyUsage=serverAuth\n' "$PUBLIC_NAME") \
    -out "$tls/console.crt" 2>/dev/null
  openssl rand -base64 96 | tr -d '\n' >"$tls/master.key"
  chmod 0600 "$tls"/*key*
fi
cat >"$INV/group_vars/all.yml" <<VARS
---
# Generated by ansible/tests/upgrade-two-nodes.sh (test-only secrets, made on this machine).
vigil_release_version: "$version_a"
vigil_release_artifact_src: "$WORK/artifacts/vigil-{{ vigil_release_version }}.tar.gz"
vigil_base_admin_users:
  - name: $ADMIN
    ssh_keys: ["$(cat "$WORK/id_ed25519.pub")"]
vigil_console_mongodb_uri: "mongodb://[$PRIVATE_PREFIX::1]:27017/vigil"
vigil_console_tls_certificate: "{{ lookup('ansible.builtin.file', '$tls/console.crt') }}"
vigil_console_tls_private_key: "{{ lookup('ansible.builtin.file', '$tls/console-key.pem') }}"
vigil_console_tls_ca_certificate: "{{ lookup('ansible.builtin.file', '$tls/ca.crt') }}"
vigil_console_master_key: "{{ lookup('ansible.builtin.file', '$tls/master.key') }}"
vigil_base_firewall_rules_console:
  - { name: vigil-console-from-lb, port: 8443, proto: tcp, sources: ["$PRIVATE_PREFIX::1"] }
VARS
cat >"$INV/group_vars/vigil_ferretdb.yml" <<VARS
---
# The database listens on the private link; only the console nodes may connect (FerretDB has no authentication).
vigil_ferretdb_listen_address: "[::]:27017"
vigil_base_firewall_rules_database:
  - { name: ferretdb-from-consoles, port: 27017, proto: tcp, sources: ["$PRIVATE_PREFIX::1", "$PRIVATE_PREFIX::2"] }
VARS
cat >"$INV/group_vars/vigil_loadbalancer.yml" <<VARS
---
vigil_loadbalancer_public_name: $PUBLIC_NAME
vigil_loadbalancer_backend_ca_certificate: "{{ lookup('ansible.builtin.file', '$tls/ca.crt') }}"
vigil_loadbalancer_redirect_port: 0
# Under software emulation node1 (database, console and load balancer on one emulated CPU) answered checks in
# over 5 s while Ansible's modules ran on it, and HAProxy counted them failed.
vigil_loadbalancer_check_timeout: 20s
vigil_base_firewall_rules_loadbalancer:
  - { name: vigil-https, port: 443, proto: tcp }
VARS

image="$WORK/image.raw"
# The image is provisioned again when release A or the generated settings change (site.yml converges the rest).
stamp="$(cat "$artifact_a.sha256" 2>/dev/null || sha256sum "$artifact_a") $(cat "$INV/group_vars/"*.yml | sha256sum)"
if [ "${VIGIL_UPGRADE_REBUILD:-0}" = 1 ] || [ ! -f "$image" ] || [ "$(cat "$WORK/image.stamp" 2>/dev/null)" != "$stamp" ]; then
  ti=$(date +%s)
  [ -f "$BASE_TAR" ] || say "debootstrap bookworm (once; cached as $BASE_TAR, shared with ovf/build-ova.sh)"
  mkdir -p "$(dirname "$BASE_TAR")"
  chroot_base_tarball "$BASE_TAR" "$mirror" "$CHROOT_BOOTABLE_PACKAGES" "$(dirname "$BASE_TAR")/debootstrap.log"
  say "node image: a fresh root provisioned as a console node (chroot connection)"
  rm -rf "$ROOT" "$image" "$WORK/image.stamp"
  mkdir -p "$ROOT"
  tar -C "$ROOT" -xf "$BASE_TAR"
  chroot_prepare "$ROOT"
  # DNS from DHCP (user-mode networking) for APT inside the VMs; its package replaces resolv.conf with a link.
  chroot "$ROOT" apt-get install -y -q systemd-resolved >"$WORK/resolved.log" 2>&1 || { tail "$WORK/resolved.log" >&2; fail "systemd-resolved"; }
  rm -f "$ROOT/etc/resolv.conf" && cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  # node1's database and load balancer packages, unpacked here at native speed and left disabled (node2 never
  # starts them): under software emulation their installation alone took minutes of site.yml. site.yml still
  # configures, enables and starts them on node1.
  chroot "$ROOT" apt-get install -y -q postgresql postgresql-client haproxy >"$WORK/packages.log" 2>&1 ||
    { tail "$WORK/packages.log" >&2; fail "postgresql and haproxy packages"; }
  chroot "$ROOT" systemctl disable postgresql.service haproxy.service >/dev/null 2>&1
  chroot_inventory vigil-image "$ROOT" >"$INV/image.yml"
  SYSTEMD_OFFLINE=1 ANSIBLE_CONFIG="$ANSIBLE_DIR/ansible.cfg" ANSIBLE_NOCOLOR=1 ansible-playbook -i "$INV/image.yml" \
    -e vigil_manage_services=false "$ANSIBLE_DIR/site.yml" >"$WORK/provision.log" 2>&1 ||
    { tail -60 "$WORK/provision.log" >&2; fail "provisioning failed, log: $WORK/provision.log"; }
  grep -E '^vigil-image +:' "$WORK/provision.log"
  # Each VM finds its private address by its MAC; the user-mode NIC takes DHCP.
  for n in 1 2; do
    printf '[Match]\nMACAddress=52:54:00:56:02:0%s\n\n[Network]\nAddress=%s::%s/64\nLinkLocalAddressing=ipv6\nIPv6AcceptRA=no\n' \
      "$n" "$PRIVATE_PREFIX" "$n" >"$ROOT/etc/systemd/network/10-private-node$n.network"
  done
  printf '[Match]\nMACAddress=52:54:00:56:01:01 52:54:00:56:01:02\n\n[Network]\nDHCP=yes\n' >"$ROOT/etc/systemd/network/20-nat.network"
  printf '%s::1\tnode1\n%s::2\tnode2\n' "$PRIVATE_PREFIX" "$PRIVATE_PREFIX" >>"$ROOT/etc/hosts"
  printf 'UUID=%s / ext4 errors=remount-ro 0 1\n' "$ROOT_UUID" >"$ROOT/etc/fstab"
  cp "$REPO/ovf/files/etc/systemd/system/ssh-host-keys.service" "$ROOT/etc/systemd/system/"
  chroot "$ROOT" systemctl enable systemd-networkd.service systemd-resolved.service ssh-host-keys.service >/dev/null 2>&1
  chroot_seal "$ROOT"
  ln -s ../run/systemd/resolve/stub-resolv.conf "$ROOT/etc/resolv.conf"
  chroot_release
  cp "$(ls "$ROOT"/boot/vmlinuz-* | sort -V | tail -1)" "$WORK/vmlinuz"
  cp "$(ls "$ROOT"/boot/initrd.img-* | sort -V | tail -1)" "$WORK/initrd.img"
  truncate -s 8G "$image"
  mkfs.ext4 -q -F -L vigil-root -U "$ROOT_UUID" -d "$ROOT" "$image"
  rm -rf "$ROOT"
  echo "$stamp" >"$WORK/image.stamp"
  echo "node image ready in $(($(date +%s) - ti)) s"
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_ssh1=$(free_port); port_ssh2=$(free_port); port_lb=$(free_port); port_link=$(free_port)
cat >"$INV/nodes.yml" <<INVENTORY
---
# node1: FerretDB + console + HAProxy; node2: console. Ansible reaches them through SSH forwards on 127.0.0.1;
# HAProxy reaches the consoles, and node2 the database, on the private link.
all:
  vars:
    ansible_host: 127.0.0.1
    ansible_user: $ADMIN
    ansible_ssh_private_key_file: $WORK/id_ed25519
    ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=20
    ansible_python_interpreter: /usr/bin/python3
    # Software emulation starts the console in minutes, not seconds: the health gate waits up to 15 min.
    vigil_console_health_retries: 180
  children:
    vigil:
      children:
        vigil_console:
          hosts:
            node1: { ansible_port: $port_ssh1, vigil_loadbalancer_backend_address: "$PRIVATE_PREFIX::1" }
            node2: { ansible_port: $port_ssh2, vigil_loadbalancer_backend_address: "$PRIVATE_PREFIX::2" }
        vigil_ferretdb:
          hosts:
            node1:
          vars:
            vigil_console_service_after: [vigil-ferretdb.service]
        vigil_loadbalancer:
          hosts:
            node1:
INVENTORY

accel="${VIGIL_UPGRADE_ACCEL:-kvm}"
[ -r /dev/kvm ] && [ -w /dev/kvm ] || accel=tcg
boot_node() { # N: starts VM N (node1 listens on the private link, node2 connects to it)
  local n=$1 fwd link
  rm -f "$WORK/node$n.qcow2" "$WORK/node$n.serial"
  qemu-img create -q -f qcow2 -b "$image" -F raw "$WORK/node$n.qcow2"
  fwd="hostfwd=tcp:127.0.0.1:$([ "$n" = 1 ] && echo "$port_ssh1-:22,hostfwd=tcp:127.0.0.1:$port_lb-:443" || echo "$port_ssh2-:22")"
  link="$([ "$n" = 1 ] && echo listen || echo connect)=127.0.0.1:$port_link"
  nice qemu-system-x86_64 -accel "$([ "$accel" = kvm ] && echo kvm || echo tcg,thread=multi)" \
    -cpu "$([ "$accel" = kvm ] && echo host || echo max)" -machine pc -smp 1 -m 3072 \
    -display none -monitor none -nodefaults -serial "file:$WORK/node$n.serial" \
    -kernel "$WORK/vmlinuz" -initrd "$WORK/initrd.img" \
    -append "root=UUID=$ROOT_UUID ro console=ttyS0 systemd.hostname=node$n" \
    -drive "file=$WORK/node$n.qcow2,format=qcow2,if=virtio" \
    -netdev "user,id=nat,$fwd" -device "virtio-net-pci,netdev=nat,mac=52:54:00:56:01:0$n" \
    -netdev "socket,id=link,$link" -device "virtio-net-pci,netdev=link,mac=52:54:00:56:02:0$n" \
    2>"$WORK/node$n.qemu.log" &
  qemu_pids+=($!)
}
ssh_node() { # PORT COMMAND…
  local port=$1
  shift
  ssh -q -i "$WORK/id_ed25519" -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ConnectTimeout=10 -o BatchMode=yes "$ADMIN@127.0.0.1" "$@"
}
stop_nodes() {
  local pid
  for pid in "${qemu_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${qemu_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  qemu_pids=()
}
wait_ssh() { # N PORT: until SSH answers; returns 2 when KVM cannot run the guest (qemu gone, or no kernel output)
  local t0 now
  t0=$(date +%s)
  while ! ssh_node "$2" true 2>/dev/null; do
    now=$(($(date +%s) - t0))
    if [ "$accel" = kvm ]; then
      # Nested KVM: qemu may abort (an MSR it cannot set) or the guest may hang before printing anything.
      kill -0 "${qemu_pids[$(($1 - 1))]}" 2>/dev/null || return 2
      [ "$now" -lt 120 ] || grep -aq 'Linux version' "$WORK/node$1.serial" || return 2
    else
      kill -0 "${qemu_pids[$(($1 - 1))]}" 2>/dev/null || { cat "$WORK/node$1.qemu.log" >&2; fail "node$1: qemu exited"; }
    fi
    [ "$now" -lt "${VIGIL_UPGRADE_BOOT_TIMEOUT:-1800}" ] || { tail -30 "$WORK/node$1.serial" >&2; fail "node$1: no SSH after $now s"; }
    sleep 3
  done
  echo "node$1: SSH after $(($(date +%s) - t0)) s"
}
boot_nodes() {
  say "booting node1 and node2 ($accel, direct kernel boot; SSH on 127.0.0.1:$port_ssh1 and :$port_ssh2, HAProxy on :$port_lb)"
  boot_node 1
  sleep 2
  boot_node 2
  wait_ssh 1 "$port_ssh1" && wait_ssh 2 "$port_ssh2"
}

tb=$(date +%s)
if ! boot_nodes; then
  echo "KVM could not run the guests ($(head -c 200 "$WORK/node1.qemu.log"; tail -c 100 "$WORK/node1.serial")): TCG software emulation"
  stop_nodes
  accel=tcg
  tb=$(date +%s)
  boot_nodes
fi
t_boot=$(($(date +%s) - tb))
# The image's consoles start at boot, before site.yml has made node1's database: stop them until site.yml starts
# them (a console starting again and again takes most of an emulated CPU, and slowed every task several-fold).
for port in "$port_ssh1" "$port_ssh2"; do ssh_node "$port" sudo systemctl stop vigil-console.service; done

playbook() { # LOG PLAYBOOK ARGS…: runs from ansible/ against the two nodes; prints the recap
  local log=$1
  shift
  # Generous SSH and sudo timeouts: under software emulation on a busy host a sudo prompt can take 30 s.
  (cd "$ANSIBLE_DIR" && ANSIBLE_NOCOLOR=1 ANSIBLE_TIMEOUT=120 nice ansible-playbook -i "$INV/nodes.yml" "$@") >"$log" 2>&1
}
recap() { grep -E '^node[12] +:' "$1" | sed 's/  */ /g'; }

say "site.yml: release $version_a on both nodes, database and HAProxy on node1"
ts=$(date +%s)
playbook "$WORK/site.log" site.yml || { tail -60 "$WORK/site.log" >&2; fail "site.yml failed, log: $WORK/site.log"; }
t_site=$(($(date +%s) - ts))
recap "$WORK/site.log"

poll() { # NAME: starts the health poller and the HAProxy sampler
  rm -f "$WORK/$1.poll.log"
  python3 "$ANSIBLE_DIR/tests/health-poller.py" --port "$port_lb" --name "$PUBLIC_NAME" --ca "$tls/ca.crt" \
    --interval 0.25 --timeout 10 --log "$WORK/$1.poll.log" >"$WORK/$1.poll.json" &
  poller_pid=$!
  ssh_node "$port_ssh1" "cat >/tmp/haproxy-sampler.py" <"$ANSIBLE_DIR/tests/haproxy-sampler.py"
  ssh_node "$port_ssh1" "sudo rm -f /var/tmp/haproxy.stop; sudo sh -c 'nohup python3 /tmp/haproxy-sampler.py --out /var/tmp/haproxy.states --stop /var/tmp/haproxy.stop >/dev/null 2>&1 &'"
  sleep 3
}
stop_poll() { # NAME: stops both, prints their figures
  sleep 3
  kill -TERM "$poller_pid"
  wait "$poller_pid" || true
  ssh_node "$port_ssh1" "sudo touch /var/tmp/haproxy.stop; sleep 2; sudo cat /var/tmp/haproxy.states" >"$WORK/$1.haproxy.log"
  echo "health checks through HAProxy: $(cat "$WORK/$1.poll.json")"
  echo "HAProxy server states (changes, UTC):"
  sed 's/^/  /' "$WORK/$1.haproxy.log"
}
last_state() { grep -v '#' "$WORK/$1.haproxy.log" | awk -v s="$2" '$2 == s { st = $3 } END { print st }'; }
failed_checks() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["failed"])' "$WORK/$1.poll.json"; }
current_release() { ssh_node "$1" readlink /opt/vigil/current; }

say "HAProxy serves both nodes on $version_a before the upgrade"
for attempt in $(seq 1 120); do  # HAProxy was just started: both servers must pass their checks first
  states="$(ssh_node "$port_ssh1" "echo 'show servers state' | sudo python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(\"/run/haproxy/admin.sock\"); s.sendall(sys.stdin.buffer.read()); print(s.makefile().read())'")"
  [ "$(echo "$states" | awk '$4 ~ /^node[12]$/ && $6 == 2' | wc -l)" = 2 ] && break
  [ "$attempt" -lt 120 ] || { echo "$states" >&2; ssh_node "$port_ssh1" "sudo journalctl -u haproxy -n 20 --no-pager" >&2; fail "HAProxy does not see both consoles up"; }
  sleep 5
done
poll baseline
stop_poll baseline
[ "$(failed_checks baseline)" = 0 ] || fail "health checks failed before any upgrade"

say "rolling upgrade to $version_b (upgrade.yml) while the poller runs"
poll upgrade
tu=$(date +%s)
playbook "$WORK/upgrade.log" upgrade.yml -e "vigil_release_version=$version_b" ||
  { stop_poll upgrade; tail -60 "$WORK/upgrade.log" >&2; fail "upgrade.yml failed, log: $WORK/upgrade.log"; }
t_upgrade=$(($(date +%s) - tu))
stop_poll upgrade
recap "$WORK/upgrade.log"
for port in "$port_ssh1" "$port_ssh2"; do
  [ "$(current_release "$port")" = "/opt/vigil/releases/$version_b" ] || fail "a node does not run $version_b after the upgrade"
done
for node in node1 node2; do
  [ "$(last_state upgrade $node)" = UP ] || fail "HAProxy does not see $node UP after the upgrade"
done
upgrade_failed=$(failed_checks upgrade)
[ "$upgrade_failed" = 0 ] || fail "$upgrade_failed health check(s) failed during the upgrade (log: $WORK/upgrade.poll.log)"

say "upgrade to the broken release $version_c: node1 must roll back to $version_b, node2 must stay untouched"
poll rollback
tr=$(date +%s)
if playbook "$WORK/rollback.log" upgrade.yml -e "vigil_release_version=$version_c" -e "vigil_console_health_retries=$([ "$accel" = kvm ] && echo 12 || echo 60)"; then
  stop_poll rollback
  fail "upgrade.yml to the broken release $version_c succeeded"
fi
t_rollback=$(($(date +%s) - tr))
stop_poll rollback
recap "$WORK/rollback.log"
grep -q 'node1 was not healthy on' "$WORK/rollback.log" || fail "upgrade.yml did not stop with the rollback message"
[ "$(current_release "$port_ssh1")" = "/opt/vigil/releases/$version_b" ] || fail "node1 was not rolled back to $version_b"
[ "$(current_release "$port_ssh2")" = "/opt/vigil/releases/$version_b" ] || fail "node2 left $version_b"
ssh_node "$port_ssh2" test ! -e "/opt/vigil/releases/$version_c" || fail "node2 was touched: $version_c is unpacked there"
ssh_node "$port_ssh1" systemctl is-active --quiet vigil-console.service || fail "node1's console is not running after the rollback"
for node in node1 node2; do
  [ "$(last_state rollback $node)" = UP ] || fail "HAProxy does not see $node UP after the rollback"
done
echo "node1 journal while $version_c was active: $(ssh_node "$port_ssh1" "sudo journalctl -q -u vigil-console.service --since @$tr" |
  grep -c -e 'broken on purpose' -e 'repeated too quickly') line(s) of failed starts / start limit" \
  "($(ssh_node "$port_ssh1" "sudo journalctl -q -u vigil-console.service --since @$tr" | grep -c 'repeated too quickly') of them start-limit refusals)"
rollback_failed=$(failed_checks rollback)
[ "$rollback_failed" = 0 ] || fail "$rollback_failed health check(s) failed during the rollback (log: $WORK/rollback.poll.log)"

printf '\ntest:upgrade passed (%s): boot %s s, site.yml %s s, upgrade %s -> %s %s s with %s failed of %s checks, broken %s rolled back in %s s with %s failed of %s checks; whole run %s s\n' \
  "$accel" "$t_boot" "$t_site" "$version_a" "$version_b" "$t_upgrade" "$upgrade_failed" \
  "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["checks"])' "$WORK/upgrade.poll.json")" \
  "$version_c" "$t_rollback" "$rollback_failed" \
  "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["checks"])' "$WORK/rollback.poll.json")" \
  "$(($(date +%s) - t_start))"
