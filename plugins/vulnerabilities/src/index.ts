import { definePlugin } from "@checks/sdk";
import { knownVulnerabilities } from "./known-vulnerabilities.js";

export default definePlugin({ checks: [knownVulnerabilities] });
