#!/usr/bin/env bash
# `npm run test:ova`: builds the appliance (ovf/build-ova.sh) unless VIGIL_OVA is given or the .ova exists
# (VIGIL_OVA_REBUILD=1 forces a build), checks it with verify-ova.py, then boots its disk under
# qemu-system-x86_64 (KVM when /dev/kvm is usable, else TCG software emulation) with a copy-on-write overlay
# (the .ova is never changed), an E1000 NIC on user-mode networking whose only way in is 127.0.0.1:<free port>
# forwarded to the guest's 8443, and the serial console logged to a file. It passes when the serial console
# says "Vigil console ready" and https://127.0.0.1:<port>/api/health answers {"status":"ok"} through the forward.
# Figures (build, size, boot-to-login, boot-to-healthy) are printed. Needs root for the build only.
set -euo pipefail
OVF_DIR="$(cd "$(dirname "$0")/.." && pwd)"
version="$(sed -n 's/^vigil_release_version: "\(.*\)"/\1/p' "$OVF_DIR/../ansible/inventories/appliance/group_vars/all/main.yml")"
ova="${VIGIL_OVA:-$OVF_DIR/out/vigil-appliance-$version.ova}"
fail() { echo "test:ova: FAIL: $*" >&2; exit 1; }
for tool in qemu-system-x86_64 qemu-img curl python3 tar; do
  command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install qemu-system-x86 qemu-utils curl python3"
done

t_build=skipped
if [ "${VIGIL_OVA_REBUILD:-0}" = 1 ] || [ ! -f "$ova" ]; then
  [ -z "${VIGIL_OVA:-}" ] || fail "no $ova"
  tb=$(date +%s)
  bash "$OVF_DIR/build-ova.sh"
  t_build="$(($(date +%s) - tb)) s"
fi
python3 "$OVF_DIR/verify-ova.py" "$ova" --version "$version"

work="$(mktemp -d /var/tmp/vigil-ova-boot.XXXXXX)"
qemu_pid=
cleanup() {
  if [ -n "$qemu_pid" ]; then kill "$qemu_pid" 2>/dev/null || true; wait "$qemu_pid" 2>/dev/null || true; fi
  [ "${VIGIL_OVA_KEEP:-0}" = 1 ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
vmdk="$(tar -tf "$ova" | grep '\.vmdk$' | head -1)"
tar -C "$work" -xf "$ova" "$vmdk"
# A fresh overlay for each boot: the first boot of the image is what is measured.
overlay() { rm -f "$work/overlay.qcow2"; qemu-img create -q -f qcow2 -b "$work/$vmdk" -F vmdk "$work/overlay.qcow2"; }

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
serial="$work/serial.log"

# boot ACCEL: starts the VM and waits for the ready line; returns 2 when KVM cannot run the guest.
boot() {
  local accel=(-accel "$1" -cpu "$([ "$1" = kvm ] && echo host || echo max)") now
  timeout_s="${VIGIL_OVA_BOOT_TIMEOUT:-$([ "$1" = kvm ] && echo 600 || echo 3600)}"
  : >"$serial"
  overlay
  echo "booting $vmdk ($1), console forwarded to 127.0.0.1:$port, serial console: $serial"
  t0=$(date +%s)
  qemu-system-x86_64 "${accel[@]}" -machine pc -smp 2 -m 4096 -display none -monitor none -nodefaults \
    -serial "file:$serial" -drive "file=$work/overlay.qcow2,format=qcow2,if=virtio" \
    -netdev "user,id=net0,restrict=off,hostfwd=tcp:127.0.0.1:$port-:8443" -device e1000,netdev=net0 2>"$work/qemu.log" &
  qemu_pid=$!
  t_login=
  while :; do
    now=$(($(date +%s) - t0))
    kill -0 "$qemu_pid" 2>/dev/null || { tail -40 "$serial" "$work/qemu.log" >&2; fail "qemu exited"; }
    # Nested KVM cannot always emulate the boot loader's real-mode code: the VM stops, qemu stays.
    if grep -q 'KVM internal error' "$work/qemu.log"; then
      kill "$qemu_pid"; wait "$qemu_pid" 2>/dev/null || true; qemu_pid=
      return 2
    fi
    if [ -z "$t_login" ] && grep -q 'login:' "$serial" 2>/dev/null; then t_login=$now; echo "login prompt after ${now} s"; fi
    if grep -q 'Vigil console ready' "$serial" 2>/dev/null; then break; fi
    [ "$now" -lt "$timeout_s" ] || { tail -60 "$serial" >&2; fail "no 'Vigil console ready' on the serial console within $timeout_s s"; }
    sleep 2
  done
  t_healthy=$(($(date +%s) - t0))
  accel_used=$1
}

if [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ "${VIGIL_OVA_ACCEL:-kvm}" = kvm ]; then
  boot kvm || { [ $? -eq 2 ] && echo "KVM could not run the guest (nested virtualisation?): booting again with TCG" && boot tcg,thread=multi; }
else
  boot tcg,thread=multi
fi
echo "serial console: $(grep -m1 -o 'Vigil console ready.*' "$serial")"
# The console's own certificate is issued by the appliance's internal CA, unknown here: -k, the check is the
# answer. Under software emulation on a busy host one answer can take a minute.
for attempt in 1 2 3 4 5; do
  health="$(curl -ksS --max-time 60 "https://127.0.0.1:$port/api/health")" && break
  [ "$attempt" -lt 5 ] || fail "/api/health did not answer through the port forward"
done
echo "$health" | grep -q '"status":"ok"' || fail "/api/health answered $health"
echo "GET https://127.0.0.1:$port/api/health -> $health"
printf 'test:ova passed: build %s, .ova %s MiB, accel %s, boot to login prompt %s s, boot to healthy console %s s\n' \
  "$t_build" "$(($(stat -c %s "$ova") / 1048576))" "$accel_used" "${t_login:-?}" "$t_healthy"
