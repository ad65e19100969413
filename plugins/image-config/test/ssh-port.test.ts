import { testCheck } from "@checks/plugin-tester";
import { sshPort } from "../src/ssh-port.js";

testCheck(sshPort, {
  valid: [
    { name: "web ports", image: { config: { exposedPorts: ["80/tcp", "8080/tcp", "2222/tcp", "22/udp"] } } },
  ],
  invalid: [
    { name: "22 over tcp", image: { config: { exposedPorts: ["22/tcp", "8080/tcp"] } }, findings: [{ messageId: "sshPortExposed", data: { port: "22/tcp" } }] },
    { name: "bare 22", image: { config: { exposedPorts: ["22"] } }, findings: [{ messageId: "sshPortExposed", data: { port: "22" } }] },
  ],
});
