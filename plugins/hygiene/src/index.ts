import { definePlugin } from "@checks/sdk";
import { machineSpecificFiles } from "./machine-specific-files.js";
import { packageCaches } from "./package-caches.js";
import { rootHomeContent } from "./root-home-content.js";
import { shellFiles } from "./shell-files.js";
import { vcsAndBuildLeftovers } from "./vcs-and-build-leftovers.js";

export default definePlugin({ checks: [packageCaches, shellFiles, rootHomeContent, machineSpecificFiles, vcsAndBuildLeftovers] });
