import { testCheck } from "@checks/plugin-tester";
import { healthcheck } from "../src/healthcheck.js";

testCheck(healthcheck, {
  valid: [
    { name: "curl health check", image: { config: { healthcheck: { test: ["CMD-SHELL", "curl -fsS http://localhost/ || exit 1"] } } } },
    { name: "singularity has no health checks", image: { format: "sif", config: {} } },
  ],
  invalid: [
    { name: "no health check", image: { config: {} }, findings: [{ messageId: "missingHealthcheck", severity: undefined }] },
    { name: "HEALTHCHECK NONE", image: { config: { healthcheck: { test: ["NONE"] } } }, findings: [{ messageId: "healthcheckDisabled" }] },
  ],
});
