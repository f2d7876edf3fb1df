#!/usr/bin/env python3
"""Writes the appliance's OVF 1.0 descriptor on stdout (build-ova.sh): one virtual system with its CPUs, memory,
an LSI Logic SCSI controller holding the streamOptimized VMDK, one E1000 NIC on the network "VM Network", and a
product section carrying the Vigil version. OVF 1.0 is what VMware, VirtualBox and Proxmox all import."""
import argparse
import os
import sys
from xml.sax.saxutils import quoteattr, escape

parser = argparse.ArgumentParser()
parser.add_argument("--name", required=True)
parser.add_argument("--version", required=True)
parser.add_argument("--vmdk", required=True, help="path of the VMDK; its file name goes into the descriptor")
parser.add_argument("--capacity", type=int, required=True, help="virtual disk size in bytes")
parser.add_argument("--cpus", type=int, required=True)
parser.add_argument("--memory-mib", type=int, required=True)
args = parser.parse_args()
if args.cpus < 1 or args.memory_mib < 512 or args.capacity <= 0:
    sys.exit("write-ovf: cpus must be >= 1, memory >= 512 MiB and the capacity positive")

vmdk = os.path.basename(args.vmdk)
name = escape(args.name)
version = escape(args.version)
print(f"""<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
          xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
          xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
          xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
    <File ovf:id="file1" ovf:href={quoteattr(vmdk)} ovf:size="{os.path.getsize(args.vmdk)}"/>
  </References>
  <DiskSection>
    <Info>Virtual disks</Info>
    <Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="{args.capacity}" ovf:capacityAllocationUnits="byte"
          ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection>
    <Info>Logical networks</Info>
    <Network ovf:name="VM Network">
      <Description>The network the console is reached on (DHCP)</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id={quoteattr(args.name)}>
    <Info>Vigil vulnerability management appliance</Info>
    <Name>{name}</Name>
    <ProductSection>
      <Info>Product information</Info>
      <Product>Vigil appliance</Product>
      <Vendor>Vigil</Vendor>
      <Version>{version}</Version>
      <FullVersion>{version} (Debian 12)</FullVersion>
    </ProductSection>
    <AnnotationSection>
      <Info>How to reach the console</Info>
      <Annotation>The console's URL is printed on the serial console and the login prompt once it is healthy (HTTPS, port 8443).</Annotation>
    </AnnotationSection>
    <OperatingSystemSection ovf:id="96">
      <Info>Guest operating system</Info>
      <Description>Debian GNU/Linux 12 (64-bit)</Description>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>{name}</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-13 virtualbox-2.2</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:Description>Number of virtual CPUs</rasd:Description>
        <rasd:ElementName>{args.cpus} virtual CPU(s)</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>{args.cpus}</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:Description>Memory size</rasd:Description>
        <rasd:ElementName>{args.memory_mib} MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>{args.memory_mib}</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:Description>SCSI controller</rasd:Description>
        <rasd:ElementName>SCSI controller 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Hard disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>7</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>VM Network</rasd:Connection>
        <rasd:Description>E1000 Ethernet adapter on "VM Network"</rasd:Description>
        <rasd:ElementName>Network adapter 1</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>E1000</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>""")
