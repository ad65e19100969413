import type { ImageConfig, SingularityMetadata, SingularitySignature } from "@checks/sdk";
import { comparePaths } from "./resolve.js";

/** Folder inside a Singularity image that contains its runtime metadata. */
export const SINGULARITY_DIR = "/.singularity.d";
/** Maximum bytes read from one metadata file or SIF metadata object. */
export const MAX_METADATA_FILE_BYTES = 1024 * 1024;

/** Metadata files as read from the image and from SIF objects, before interpretation. */
export interface SingularitySources {
  /** Content of files under /.singularity.d by absolute path, symlinks already resolved. */
  files: ReadonlyMap<string, string>;
  definitionObject?: string;
  environmentObject?: string;
  labelsObject?: string;
  signatures: SingularitySignature[];
}

/** Builds the SingularityMetadata that checks read, from the image's metadata files and SIF objects. */
export function buildSingularityMetadata(sources: SingularitySources): SingularityMetadata {
  const { files } = sources;
  const environmentScripts: Record<string, string> = {};
  const actions: Record<string, string> = {};
  const paths = [...files.keys()].sort(comparePaths);
  for (const path of paths) {
    const text = files.get(path)!;
    if (path.startsWith(`${SINGULARITY_DIR}/env/`) && path.endsWith(".sh")) environmentScripts[path] = text;
    if (path.startsWith(`${SINGULARITY_DIR}/actions/`)) actions[path.slice(`${SINGULARITY_DIR}/actions/`.length)] = text;
  }

  const environment: Record<string, string> = {};
  if (sources.environmentObject !== undefined) Object.assign(environment, parseEnvironmentScript(sources.environmentObject));
  for (const text of Object.values(environmentScripts)) Object.assign(environment, parseEnvironmentScript(text));

  const labels: Record<string, string> = {};
  if (sources.labelsObject !== undefined) Object.assign(labels, parseLabels(sources.labelsObject));
  const labelsFile = files.get(`${SINGULARITY_DIR}/labels.json`);
  if (labelsFile !== undefined) Object.assign(labels, parseLabels(labelsFile));

  const metadata: SingularityMetadata = {
    environmentScripts,
    environment,
    labels,
    actions,
    signatures: sources.signatures,
    signed: sources.signatures.length > 0,
  };
  const definition = sources.definitionObject ?? files.get(`${SINGULARITY_DIR}/Singularity`);
  if (definition !== undefined) metadata.definition = definition;
  const runscript = files.get(`${SINGULARITY_DIR}/runscript`);
  if (runscript !== undefined) metadata.runscript = runscript;
  const startscript = files.get(`${SINGULARITY_DIR}/startscript`);
  if (startscript !== undefined) metadata.startscript = startscript;
  const test = files.get(`${SINGULARITY_DIR}/test`);
  if (test !== undefined) metadata.test = test;
  return metadata;
}

/**
 * Derives an image configuration from Singularity metadata, so checks written
 * for Docker/OCI configs see the same facts: environment, labels, and the
 * runscript as the command. A runscript generated from a Docker image sets
 * OCI_ENTRYPOINT and OCI_CMD, which become `entrypoint` and `cmd`. Singularity
 * runs containers as the calling user, so `user` stays unset.
 */
export function deriveImageConfig(metadata: SingularityMetadata, options: { architecture?: string; createdAt?: number }): ImageConfig {
  const config: ImageConfig = {
    env: { ...metadata.environment },
    labels: { ...metadata.labels },
    exposedPorts: [],
    volumes: [],
    history: [],
    os: "linux",
  };
  if (metadata.runscript !== undefined) {
    const oci = parseOciRunscript(metadata.runscript);
    if (oci.entrypoint !== undefined) config.entrypoint = oci.entrypoint;
    if (oci.cmd !== undefined) config.cmd = oci.cmd;
    else if (oci.entrypoint === undefined) config.cmd = [`${SINGULARITY_DIR}/runscript`];
  }
  if (options.architecture !== undefined && options.architecture !== "unknown") config.architecture = options.architecture;
  const created = options.createdAt === undefined || options.createdAt <= 0 ? undefined : new Date(options.createdAt * 1000);
  // Go's zero time (deterministic builds) is negative and dates past year 275760 are invalid, so both are left out.
  if (created !== undefined && !Number.isNaN(created.getTime())) config.created = created.toISOString();
  if (metadata.definition !== undefined) {
    config.history.push({ createdBy: "singularity build", comment: firstLine(metadata.definition) });
  }
  return config;
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/**
 * Reads the variables a shell environment script sets with literal values:
 * `NAME=value`, `export NAME="value"` or `export NAME='value'`. Values that
 * expand variables or run commands (`$`, backticks) are skipped, because
 * their result depends on the run-time environment.
 */
export function parseEnvironmentScript(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = ASSIGNMENT.exec(line);
    if (!match) continue;
    const value = literalValue(match[2]!.trim());
    if (value !== undefined) variables[match[1]!] = value;
  }
  return variables;
}

function literalValue(raw: string): string | undefined {
  if (raw.startsWith("'")) {
    const end = raw.indexOf("'", 1);
    return end === -1 ? undefined : raw.slice(1, end);
  }
  if (raw.startsWith('"')) {
    const end = raw.indexOf('"', 1);
    if (end === -1) return undefined;
    const inner = raw.slice(1, end);
    return /[$`\\]/.test(inner) ? undefined : inner;
  }
  const word = raw.split(/\s|;/, 1)[0] ?? "";
  return /[$`\\"'(]/.test(word) ? undefined : word;
}

/**
 * Reads OCI_ENTRYPOINT and OCI_CMD from a runscript that Singularity generated
 * from a Docker image, for example `OCI_CMD='"nginx" "-g" "daemon off;"'`.
 * An empty value (`OCI_CMD=''`) counts as unset.
 */
export function parseOciRunscript(runscript: string): { entrypoint?: string[]; cmd?: string[] } {
  const result: { entrypoint?: string[]; cmd?: string[] } = {};
  for (const line of runscript.split(/\r?\n/)) {
    const match = /^\s*(OCI_ENTRYPOINT|OCI_CMD)='([^']*)'\s*$/.exec(line);
    if (!match) continue;
    const words = [...match[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((word) => word[1]!.replace(/\\(.)/g, "$1"));
    if (words.length === 0) continue;
    if (match[1] === "OCI_ENTRYPOINT") result.entrypoint = words;
    else result.cmd = words;
  }
  return result;
}

/** Parses a labels JSON object; non-string values are kept as their JSON text. */
export function parseLabels(text: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) labels[key] = typeof value === "string" ? value : JSON.stringify(value);
  return labels;
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/).find((line) => line.trim() !== "") ?? "").trim().slice(0, 200);
}
