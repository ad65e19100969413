import { definePlugin } from "@checks/sdk";
import { deviceNodes } from "./device-nodes.js";
import { fileCapabilities } from "./file-capabilities.js";
import { setuidFiles } from "./setuid-files.js";
import { unknownOwners } from "./unknown-owners.js";
import { worldWritable } from "./world-writable.js";

export default definePlugin({ checks: [setuidFiles, worldWritable, fileCapabilities, deviceNodes, unknownOwners] });
