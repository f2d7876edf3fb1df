# Shared by ansible/tests/converge-chroot.sh and ovf/build-ova.sh (source it): a Debian 12 root file system made
# with debootstrap and provisioned through Ansible's community.general.chroot connection.
#   chroot_base_tarball TAR MIRROR PACKAGES LOG  debootstrap bookworm with PACKAGES (comma-separated) into TAR, once
#   chroot_prepare ROOT                         block daemon starts, copy resolv.conf, mount proc, sys, dev, dev/pts
#   chroot_release                              unmount what chroot_prepare mounted (safe to call twice: EXIT traps)
#   chroot_inventory HOST ROOT                  the inventory head: HOST in vigil > vigil_console, on the chroot
#   chroot_seal ROOT                            before packing a bootable root: daemons allowed again, no machine id
#                                               or SSH host keys (made on first boot), no APT caches, no resolv.conf
#   CHROOT_BOOTABLE_PACKAGES                    debootstrap packages of a root that boots as a VM (kernel, systemd)
chroot_mounts=()
CHROOT_BOOTABLE_PACKAGES=linux-image-amd64,initramfs-tools,systemd-sysv,dbus,python3,python3-apt,ca-certificates,curl,openssl,iproute2

chroot_base_tarball() {
  local tar="$1" mirror="$2" packages="$3" log="$4" base="$1.root"
  [ -f "$tar" ] && return 0
  rm -rf "$base"
  debootstrap --include="$packages" bookworm "$base" "$mirror" >"$log" 2>&1 ||
    { tail -30 "$log" >&2; echo "debootstrap failed, log: $log" >&2; return 1; }
  tar -C "$base" -cf "$tar.partial" . && mv "$tar.partial" "$tar"
  rm -rf "$base"
}

chroot_prepare() {
  local root="$1" fs
  # Packages must not start daemons inside the chroot (they would run, and listen, on the host).
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  for fs in proc sys dev dev/pts; do
    case "$fs" in
      proc) mount -t proc proc "$root/proc" ;;
      sys) mount -t sysfs sysfs "$root/sys" ;;
      dev) mount --bind /dev "$root/dev" ;;
      dev/pts) mount --bind /dev/pts "$root/dev/pts" ;;
    esac
    chroot_mounts+=("$root/$fs")
  done
}

chroot_release() {
  local i
  for ((i = ${#chroot_mounts[@]} - 1; i >= 0; i--)); do umount -l "${chroot_mounts[$i]}" 2>/dev/null || true; done
  chroot_mounts=()
}

chroot_inventory() {
  cat <<INVENTORY
all:
  children:
    vigil:
      children:
        vigil_console:
          hosts:
            $1:
              ansible_connection: community.general.chroot
              ansible_host: $2
              ansible_python_interpreter: /usr/bin/python3
INVENTORY
}

chroot_seal() {
  local root="$1"
  rm -f "$root"/etc/ssh/ssh_host_*_key "$root"/etc/ssh/ssh_host_*_key.pub "$root/usr/sbin/policy-rc.d" "$root/etc/resolv.conf"
  : >"$root/etc/machine-id"
  rm -f "$root/var/lib/dbus/machine-id"
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/lib/apt/periodic/update-success-stamp "$root"/tmp/* "$root"/var/tmp/*
  # Without its lists APT must update before installing anything: Ansible's apt module (cache_valid_time) judges
  # the lists' age by that stamp, else by the mtime of the lists directory, which the removal just renewed.
  touch -d @0 "$root/var/lib/apt/lists"
}
