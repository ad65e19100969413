import { testCheck } from "@checks/plugin-tester";
import { deviceNodes } from "../src/device-nodes.js";

testCheck(deviceNodes, {
  valid: [
    { name: "devices under /dev", image: { files: { "/dev/null": { type: "char-device", major: 1, minor: 3 }, "/dev/sda": { type: "block-device", major: 8, minor: 0 } } } },
    { name: "fifo outside /dev", image: { files: { "/run/app.fifo": { type: "fifo" } } } },
    { name: "folder named like /dev", image: { files: { "/devices/mem": "not a device" } } },
  ],
  invalid: [
    {
      name: "copy of /dev/mem in tmp",
      image: { files: { "/tmp/mem": { type: "char-device", major: 1, minor: 1 } } },
      findings: [{ messageId: "deviceOutsideDev", path: "/tmp/mem", data: { kind: "character", major: 1, minor: 1 } }],
    },
    {
      name: "block device in a home folder",
      image: { files: { "/home/u/disk": { type: "block-device", major: 8, minor: 1 } } },
      findings: [{ messageId: "deviceOutsideDev", path: "/home/u/disk", data: { kind: "block" } }],
    },
  ],
});
