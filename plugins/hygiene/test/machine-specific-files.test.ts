import { testCheck } from "@checks/plugin-tester";
import { machineSpecificFiles } from "../src/machine-specific-files.js";

testCheck(machineSpecificFiles, {
  valid: [
    {
      name: "prepared for first boot",
      image: {
        files: {
          "/etc/machine-id": "",
          "/var/lib/dbus/machine-id": "uninitialized\n",
          "/etc/ssh/ssh_host_rsa_key.pub": "ssh-rsa AAAA root@build",
          "/var/log/apt/eipp.log.xz": "",
          "/etc/sysconfig/network-scripts/ifcfg-lo": "DEVICE=lo\nHWADDR=00:00:00:00:00:00\n",
          "/etc/sysconfig/network-scripts/ifcfg-eth0": "DEVICE=eth0\nBOOTPROTO=dhcp\n",
        },
      },
    },
    { name: "interface config of blank lines", image: { files: { "/etc/network/interfaces": "\n".repeat(200_000) } } },
  ],
  invalid: [
    {
      name: "ssh host keys",
      image: { files: { "/etc/ssh/ssh_host_ed25519_key": { content: "k", mode: 0o600 }, "/etc/ssh/ssh_host_ed25519_key.pub": "p" } },
      findings: [{ messageId: "sshHostKey", path: "/etc/ssh/ssh_host_ed25519_key" }],
    },
    {
      name: "machine id set",
      image: { files: { "/etc/machine-id": "4c4c4544004d3510804bb4c04f583432\n" } },
      findings: [{ messageId: "machineId", path: "/etc/machine-id" }],
    },
    {
      name: "persistent net rules",
      image: { files: { "/etc/udev/rules.d/70-persistent-net.rules": 'SUBSYSTEM=="net", ATTR{address}=="52:54:00:12:34:56", NAME="eth0"\n' } },
      findings: [{ messageId: "persistentNetRules", path: "/etc/udev/rules.d/70-persistent-net.rules" }],
    },
    {
      name: "hardware addresses in four formats",
      image: {
        files: {
          "/etc/sysconfig/network-scripts/ifcfg-eth0": "DEVICE=eth0\nHWADDR=52:54:00:12:34:56\n",
          "/etc/network/interfaces": "iface eth0 inet dhcp\n    hwaddress ether 52:54:00:12:34:56\n",
          "/etc/NetworkManager/system-connections/wired.nmconnection": "[ethernet]\nmac-address=52:54:00:12:34:56\n",
          "/etc/netplan/50-cloud-init.yaml": "network:\n  ethernets:\n    eth0:\n      match:\n        macaddress: 52:54:00:12:34:56\n",
        },
      },
      findings: [
        { messageId: "hardwareAddress", path: "/etc/NetworkManager/system-connections/wired.nmconnection" },
        { messageId: "hardwareAddress", path: "/etc/netplan/50-cloud-init.yaml" },
        { messageId: "hardwareAddress", path: "/etc/network/interfaces" },
        { messageId: "hardwareAddress", path: "/etc/sysconfig/network-scripts/ifcfg-eth0" },
      ],
    },
    {
      name: "non-empty logs",
      image: { files: { "/var/log/dpkg.log": "2026-12-04 install curl\n", "/var/log/apt/history.log": "Start-Date: x\n", "/var/log/btmp": "" } },
      findings: [
        { messageId: "logFile", path: "/var/log/apt/history.log", data: { size: 14 } },
        { messageId: "logFile", path: "/var/log/dpkg.log" },
      ],
    },
  ],
});
