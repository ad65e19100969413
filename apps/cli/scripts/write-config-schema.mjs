// Writes schema/config.schema.json from the zod schema in src/config.ts (run after the build).
import { writeFile } from "node:fs/promises";
import { configJsonSchema } from "../dist/config.js";

const file = new URL("../schema/config.schema.json", import.meta.url);
await writeFile(file, JSON.stringify(configJsonSchema(), null, 2) + "\n");
console.log(`Wrote ${file.pathname}`);
