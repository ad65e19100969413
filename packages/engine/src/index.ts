/** One scan end to end: select checks, read each image once, run the sandbox, build the report. */
export { scan } from "./scan.js";
export type { EngineEvent, ScanRequest } from "./scan.js";
export { matchesTags, parseTagExpression, selectChecks, SelectionError } from "./selection.js";
export type { PluginSource, SelectedCheck, Selection, SelectionResult, TagExpression } from "./selection.js";
export { BASE_CONTENT_NEEDS, planRead } from "./needs.js";
export type { ContentNeed, ReadPlan } from "./needs.js";
export { collectResults } from "./findings.js";
