// Writes schema/report.schema.json and schema/ignore.schema.json from the zod
// schemas in the built package. Run `pnpm build` first.
import { writeFile } from "node:fs/promises";
import { z } from "zod";
import { IgnoreFileSchema, reportJsonSchema } from "../dist/index.js";

const folder = new URL("../schema/", import.meta.url);
const ignoreSchema = z.toJSONSchema(IgnoreFileSchema, { target: "draft-2020-12", io: "input" });
await writeFile(new URL("report.schema.json", folder), JSON.stringify(reportJsonSchema(), null, 2) + "\n");
await writeFile(new URL("ignore.schema.json", folder), JSON.stringify(ignoreSchema, null, 2) + "\n");
