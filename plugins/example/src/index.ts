import { definePlugin } from "@checks/sdk";
import { editorLeftovers } from "./editor-leftovers.js";
import { largeFiles } from "./large-files.js";

export default definePlugin({ checks: [largeFiles, editorLeftovers] });
