import { testCheck } from "@checks/plugin-tester";
import { largeFiles } from "../src/large-files.js";

const MB = 1024 * 1024;
const bytes = (size: number) => new Uint8Array(size);

testCheck(largeFiles, {
  valid: [
    { name: "small files only", image: { files: { "/etc/hostname": "box\n" } } },
    { name: "file exactly at the threshold", image: { files: { "/data/a.bin": bytes(2 * MB) } }, options: { thresholdMb: 2 } },
    { name: "large directory entries are not files", image: { files: { "/big": { type: "directory" } } } },
  ],
  invalid: [
    {
      name: "file above a custom threshold",
      image: { files: { "/data/core": bytes(3 * MB) } },
      options: { thresholdMb: 2 },
      findings: [{ messageId: "largeFile", path: "/data/core", data: { sizeMb: "3.0", thresholdMb: 2 } }],
    },
    {
      name: "default threshold of 100 MB",
      image: { files: { "/srv/dump.tar": bytes(101 * MB), "/srv/small": "x" } },
      findings: [{ messageId: "largeFile", path: "/srv/dump.tar", severity: undefined }],
    },
  ],
});
