#!/usr/bin/env python3
"""Checks an .ova the way a hypervisor's import does (ovf/README.md):
  - a ustar archive whose first member is the .ovf descriptor, then the .mf manifest, then the disk(s);
  - every file named in the manifest has that SHA-256, and every member but the manifest is in it;
  - the descriptor is well-formed OVF 1.0: each References/File exists with its declared size, each Disk points at
    a File and its capacity equals the VMDK's virtual size (qemu-img info), the ProductSection has a Version;
    CPU, memory, the disk and the network adapter are in the VirtualHardwareSection.
Prints a one-line summary per check and exits 1 on the first failure.

  python3 ovf/verify-ova.py ovf/out/vigil-appliance-0.1.0.ova [--version 0.1.0]
"""
import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET

OVF = "{http://schemas.dmtf.org/ovf/envelope/1}"
RASD = "{http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData}"


def fail(message):
    print(f"verify-ova: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def ok(message):
    print(f"ok: {message}")


parser = argparse.ArgumentParser()
parser.add_argument("ova")
parser.add_argument("--version", help="the Version the ProductSection must carry")
args = parser.parse_args()

try:
    archive = tarfile.open(args.ova, "r:")
except (OSError, tarfile.TarError) as error:
    fail(f"{args.ova} is not a tar archive: {error}")
with archive:
    members = archive.getmembers()
    names = [member.name for member in members]
    if archive.format != tarfile.USTAR_FORMAT and any(member.pax_headers for member in members):
        fail("the archive is not plain ustar")
    if len(names) < 3 or not names[0].endswith(".ovf") or not names[1].endswith(".mf"):
        fail(f"members must be the .ovf, the .mf, then the disks; found {names}")
    if any("/" in name for name in names):
        fail(f"members must sit at the top of the archive: {names}")
    ok(f"archive order: {', '.join(names)}")

    digests = {}
    sizes = {}
    for member in members:
        handle = archive.extractfile(member)
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
        digests[member.name] = digest.hexdigest()
        sizes[member.name] = member.size
    manifest = archive.extractfile(members[1]).read().decode("utf-8")
    listed = {}
    for line in manifest.splitlines():
        if not line.startswith("SHA256(") or ")= " not in line:
            fail(f"manifest line is not 'SHA256(file)= hex': {line!r}")
        name, value = line[len("SHA256("):].split(")= ", 1)
        listed[name] = value.strip()
    for name in names[:1] + names[2:]:
        if name not in listed:
            fail(f"{name} is not in the manifest")
        if listed[name] != digests[name]:
            fail(f"SHA-256 of {name} is {digests[name]}, the manifest says {listed[name]}")
    extra = set(listed) - set(names)
    if extra:
        fail(f"the manifest lists files the archive lacks: {sorted(extra)}")
    ok(f"manifest: {len(listed)} SHA-256 digests match")

    try:
        root = ET.fromstring(archive.extractfile(members[0]).read())
    except ET.ParseError as error:
        fail(f"the descriptor is not well-formed XML: {error}")
    if root.tag != f"{OVF}Envelope":
        fail(f"the descriptor's root is {root.tag}, not an OVF 1.x Envelope")
    files = {}
    for file in root.iter(f"{OVF}File"):
        href, size = file.get(f"{OVF}href"), file.get(f"{OVF}size")
        if href not in sizes:
            fail(f"References names {href}, which the archive lacks")
        if size is not None and int(size) != sizes[href]:
            fail(f"References gives {href} {size} bytes, the archive holds {sizes[href]}")
        files[file.get(f"{OVF}id")] = href
    disks = list(root.iter(f"{OVF}Disk"))
    if not disks:
        fail("the DiskSection has no Disk")
    with tempfile.TemporaryDirectory() as scratch:
        for disk in disks:
            href = files.get(disk.get(f"{OVF}fileRef"))
            if href is None:
                fail(f"Disk {disk.get(f'{OVF}diskId')} points at no File")
            archive.extract(href, scratch, set_attrs=False)
            info = json.loads(subprocess.run(["qemu-img", "info", "--output=json", f"{scratch}/{href}"], check=True,
                                             stdout=subprocess.PIPE, text=True).stdout)
            capacity = int(disk.get(f"{OVF}capacity"))
            if info.get("format") != "vmdk" or info.get("format-specific", {}).get("data", {}).get("create-type") != "streamOptimized":
                fail(f"{href} is not a streamOptimized VMDK: {info.get('format')}")
            if info["virtual-size"] != capacity:
                fail(f"Disk capacity {capacity} differs from the virtual size of {href}, {info['virtual-size']}")
            ok(f"disk {href}: streamOptimized VMDK, {capacity // 2**30} GiB virtual, {sizes[href] // 2**20} MiB in the archive")

    version = root.find(f".//{OVF}ProductSection/{OVF}Version")
    if version is None or not (version.text or "").strip():
        fail("the ProductSection has no Version")
    if args.version and version.text != args.version:
        fail(f"the ProductSection says version {version.text}, expected {args.version}")
    hardware = {item.findtext(f"{RASD}ResourceType"): item for item in root.iter(f"{OVF}Item")}
    for resource_type, what in (("3", "CPUs"), ("4", "memory"), ("17", "disk"), ("10", "network adapter")):
        if resource_type not in hardware:
            fail(f"the VirtualHardwareSection has no {what} (ResourceType {resource_type})")
    ok(f"descriptor: product version {version.text}, {hardware['3'].findtext(f'{RASD}VirtualQuantity')} CPU(s), "
       f"{hardware['4'].findtext(f'{RASD}VirtualQuantity')} MiB, disk on {hardware['17'].findtext(f'{RASD}HostResource')}, "
       f"{hardware['10'].findtext(f'{RASD}ResourceSubType')} on {hardware['10'].findtext(f'{RASD}Connection')}")
