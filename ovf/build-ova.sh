#!/usr/bin/env bash
# Builds the Vigil appliance as an OVA (ovf/README.md):
#   debootstrap Debian 12 → provision it with the Ansible roles (site.yml, appliance inventory, chroot
#   connection) → a 20 GiB MBR disk (FAT /boot booted by SYSLINUX, ext4 root), assembled without mounting
#   anything → streamOptimized VMDK → OVF 1.0 descriptor + SHA-256 manifest → .ova (descriptor first).
#
#   bash ovf/build-ova.sh                      # -> ovf/out/vigil-appliance-<version>.ova
# Needs root, a release artifact (ansible/scripts/build-release-artifact.sh) and the Debian packages below.
# Environment: VIGIL_OVA_WORK (/var/tmp/vigil-ova: the debootstrap cache), VIGIL_OVA_OUT (ovf/out),
# VIGIL_DEBIAN_MIRROR (default: the first Debian mirror of this machine's APT sources), VIGIL_ARTIFACT,
# VIGIL_OVA_DISK_GIB (20), VIGIL_OVA_CPUS (2), VIGIL_OVA_MEMORY_MIB (4096).
set -euo pipefail
OVF_DIR="$(cd "$(dirname "$0")" && pwd)"
ANSIBLE_DIR="$(cd "$OVF_DIR/../ansible" && pwd)"
WORK="${VIGIL_OVA_WORK:-/var/tmp/vigil-ova}"
OUT="${VIGIL_OVA_OUT:-$OVF_DIR/out}"
DISK_GIB="${VIGIL_OVA_DISK_GIB:-20}"
CPUS="${VIGIL_OVA_CPUS:-2}"
MEMORY_MIB="${VIGIL_OVA_MEMORY_MIB:-4096}"
ROOT="$WORK/root"
BASE_TAR="$WORK/bookworm-appliance-base.tar"
# Fixed identifiers keep the boot configuration and fstab stable between builds.
ROOT_UUID=5f1c7a0e-3b6d-4d8e-9a51-7c2b0e4f9d13
BOOT_VOLID=56C1B007
BOOT_START=2048          # sectors (1 MiB)
BOOT_SECTORS=524288      # 256 MiB
ROOT_START=$((BOOT_START + BOOT_SECTORS))

say() { printf '\n== %s\n' "$*"; }
fail() { echo "build-ova: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "run as root (debootstrap and chroot need it)"
missing=()
for tool in debootstrap ansible-playbook qemu-img sfdisk mkfs.ext4 mkfs.vfat syslinux mcopy python3; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ -f /usr/lib/syslinux/mbr/mbr.bin ] || missing+=(mbr.bin)
[ ${#missing[@]} -eq 0 ] || fail "missing ${missing[*]}: apt-get install debootstrap ansible qemu-utils fdisk e2fsprogs dosfstools syslinux syslinux-common mtools python3"

mirror="${VIGIL_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1)}"
mirror="${mirror:-$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)}"
[ -n "$mirror" ] || fail "no Debian mirror in this machine's APT sources: set VIGIL_DEBIAN_MIRROR"
version="$(sed -n 's/^vigil_release_version: "\(.*\)"/\1/p' "$ANSIBLE_DIR/inventories/appliance/group_vars/all/main.yml")"
artifact="${VIGIL_ARTIFACT:-$ANSIBLE_DIR/artifacts/vigil-$version.tar.gz}"
name="vigil-appliance-$version"
mkdir -p "$WORK" "$OUT"

# shellcheck source=../ansible/scripts/chroot-root.sh
. "$ANSIBLE_DIR/scripts/chroot-root.sh"
cleanup() {
  chroot_release
  rm -rf "$ROOT" "$WORK/disk.raw"
}
trap cleanup EXIT
t0=$(date +%s)
elapsed() { echo "$(($(date +%s) - t0)) s"; }

[ -f "$BASE_TAR" ] || say "debootstrap bookworm from $mirror (once; cached as $BASE_TAR)"
chroot_base_tarball "$BASE_TAR" "$mirror" "$CHROOT_BOOTABLE_PACKAGES" "$WORK/debootstrap.log"
# Checked only now, so that the (long) debootstrap can run while the artifact is built.
[ -f "$artifact" ] || fail "no release artifact at $artifact: run ansible/scripts/build-release-artifact.sh"
say "fresh root from the cached base ($(elapsed))"
rm -rf "$ROOT"
mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$BASE_TAR"

chroot_prepare "$ROOT"

say "provisioning with the Ansible roles (site.yml, appliance inventory, chroot connection) ($(elapsed))"
chroot_inventory vigil-appliance "$ROOT" >"$WORK/inventory.yml"
SYSTEMD_OFFLINE=1 ANSIBLE_CONFIG="$ANSIBLE_DIR/ansible.cfg" ANSIBLE_NOCOLOR=1 ansible-playbook \
  -i "$ANSIBLE_DIR/inventories/appliance" -i "$WORK/inventory.yml" --limit vigil-appliance \
  -e vigil_manage_services=false -e "vigil_release_artifact_src=$artifact" \
  "$ANSIBLE_DIR/site.yml" >"$WORK/provision.log" 2>&1 || { tail -60 "$WORK/provision.log" >&2; fail "provisioning failed, log: $WORK/provision.log"; }
grep -E '^vigil-appliance +:' "$WORK/provision.log"

say "appliance settings: boot, network, first-boot units ($(elapsed))"
cp -a "$OVF_DIR/files/." "$ROOT/"
echo vigil-appliance >"$ROOT/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tvigil-appliance\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOT/etc/hosts"
cat >"$ROOT/etc/fstab" <<FSTAB
UUID=$ROOT_UUID / ext4 errors=remount-ro 0 1
UUID=${BOOT_VOLID:0:4}-${BOOT_VOLID:4:4} /boot vfat umask=0077,shortname=lower 0 2
FSTAB
chroot "$ROOT" systemctl enable systemd-networkd.service vigil-appliance-banner.service ssh-host-keys.service >/dev/null
chroot "$ROOT" sh -c 'for k in $(ls /boot/vmlinuz-*); do /etc/kernel/postinst.d/zz-vigil-syslinux "${k#/boot/vmlinuz-}"; done'
# What must differ per appliance is made on its first boot: machine id, SSH host keys.
chroot_seal "$ROOT"
chroot_release

say "disk image: MBR, FAT /boot with SYSLINUX, ext4 root ($(elapsed))"
disk="$WORK/disk.raw"
rm -f "$disk"
truncate -s "${DISK_GIB}G" "$disk"
printf 'label: dos\nstart=%s, size=%s, type=e, bootable\nstart=%s, type=83\n' "$BOOT_START" "$BOOT_SECTORS" "$ROOT_START" | sfdisk -q "$disk"
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$disk" bs=440 count=1 conv=notrunc status=none
mkfs.vfat -F 16 -n VIGILBOOT -i "$BOOT_VOLID" -h "$BOOT_START" --offset "$BOOT_START" "$disk" $((BOOT_SECTORS / 2)) >/dev/null
syslinux --offset $((BOOT_START * 512)) --install "$disk"
mcopy -s -i "$disk@@$((BOOT_START * 512))" "$ROOT"/boot/* ::/
root_bytes=$(($(stat -c %s "$disk") - ROOT_START * 512))
rm -rf "${ROOT:?}"/boot/*
mkfs.ext4 -q -F -L vigil-root -U "$ROOT_UUID" -E "offset=$((ROOT_START * 512))" -d "$ROOT" "$disk" $((root_bytes / 1024))k
used_mib=$(du -sm --exclude=./proc --exclude=./sys "$ROOT" | cut -f1)

say "VMDK (streamOptimized), OVF descriptor, manifest, OVA ($(elapsed))"
stage="$WORK/ova"
rm -rf "$stage"
mkdir -p "$stage"
vmdk="$name-disk1.vmdk"
qemu-img convert -f raw -O vmdk -o subformat=streamOptimized,adapter_type=lsilogic "$disk" "$stage/$vmdk"
python3 "$OVF_DIR/write-ovf.py" --name "$name" --version "$version" --vmdk "$stage/$vmdk" \
  --capacity "$(stat -c %s "$disk")" --cpus "$CPUS" --memory-mib "$MEMORY_MIB" >"$stage/$name.ovf"
(cd "$stage" && for f in "$name.ovf" "$vmdk"; do printf 'SHA256(%s)= %s\n' "$f" "$(sha256sum "$f" | cut -d' ' -f1)"; done) >"$stage/$name.mf"
# OVF 1.0 §5.3: the descriptor first, then the manifest, then the disks.
tar -C "$stage" --format=ustar --owner=0 --group=0 --numeric-owner --mode=0644 --mtime=@0 \
  -cf "$OUT/$name.ova.partial" "$name.ovf" "$name.mf" "$vmdk"
mv "$OUT/$name.ova.partial" "$OUT/$name.ova"
rm -rf "$stage"
printf '\nbuilt %s: %s MiB (root file system %s MiB, disk %s GiB) in %s\n' "$OUT/$name.ova" \
  "$(($(stat -c %s "$OUT/$name.ova") / 1048576))" "$used_mib" "$DISK_GIB" "$(elapsed)"
