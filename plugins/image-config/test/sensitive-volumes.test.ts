import { testCheck } from "@checks/plugin-tester";
import { sensitiveVolumes } from "../src/sensitive-volumes.js";

testCheck(sensitiveVolumes, {
  valid: [
    { name: "data volumes", image: { config: { volumes: ["/srv/uploads", "/var/lib/postgresql/data", "/devices"] } } },
    { name: "no volumes", image: { config: {} } },
  ],
  invalid: [
    {
      name: "proc, sys and dev",
      image: { config: { volumes: ["/proc", "/sys/", "/dev"] } },
      findings: [
        { messageId: "sensitiveVolume", data: { volume: "/proc" } },
        { messageId: "sensitiveVolume", data: { volume: "/sys/" } },
        { messageId: "sensitiveVolume", data: { volume: "/dev" } },
      ],
    },
    { name: "docker socket", image: { config: { volumes: ["/var/run/docker.sock"] } }, findings: [{ messageId: "sensitiveVolume" }] },
  ],
});
