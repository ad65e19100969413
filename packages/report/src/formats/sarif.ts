import { compareSeverity, type Severity } from "@checks/sdk";
import { escapeControl, safeHttpUrl, toWellFormed } from "../escape.js";
import type { CheckRun, Finding, ScanReport } from "../types.js";
import { displayedFindings, displayedSeverities, qualifiedCheckId, type FormatOptions } from "../view.js";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

type SarifLevel = "error" | "warning" | "note";

const LEVEL_OF_SEVERITY: Record<Severity, SarifLevel> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };

/**
 * Scores that GitHub code scanning reads from a rule's `security-severity`
 * property: 9.0 and above shows as critical, 7.0 as high, 4.0 as medium,
 * 0.1 as low.
 */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", info: "0.0" };

/** Key of the fingerprint in `partialFingerprints`; the suffix is the fingerprint version. */
export const PARTIAL_FINGERPRINT_KEY = "checksFindingHash/v1";

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  help?: { text: string };
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; plugin: string; "security-severity"?: string };
}

/**
 * Renders the report as one SARIF 2.1.0 run. Each check is a rule with id
 * `plugin/check` and its remediation as help. Each finding is a result whose
 * location is the path inside the image, as a URI relative to a base id per
 * image (`IMAGE1`, `IMAGE2`, ...) that `originalUriBaseIds` describes.
 * Suppressed findings are results with a `suppressions` entry, because SARIF
 * viewers hide those themselves; `showSuppressed` does not apply. Image and
 * check errors are tool execution notifications, and any error sets
 * `executionSuccessful` to false.
 */
export function formatSarif(report: ScanReport, options: FormatOptions): string {
  const severities = displayedSeverities(report, options);
  const rules = new Map<string, SarifRule>();
  const ruleIndexes = new Map<string, number>();
  const ruleIndex = (id: string): number => ruleIndexes.get(id) ?? -1;

  for (const image of report.images) {
    for (const check of image.checks) addRule(rules, ruleIndexes, ruleFromCheck(check));
  }

  const originalUriBaseIds: Record<string, { description: { text: string } }> = {};
  const results: unknown[] = [];
  const notifications: unknown[] = [];

  report.images.forEach((image, index) => {
    const baseId = `IMAGE${index + 1}`;
    originalUriBaseIds[baseId] = { description: { text: `Root of image ${image.name}${image.digest ? ` (${image.digest})` : ""}` } };

    if (image.error) {
      notifications.push({
        level: "error",
        message: { text: escapeSarifText(`Image ${image.name} could not be scanned: ${image.error.message}`) },
        descriptor: { id: image.error.code },
        properties: { image: image.name },
      });
    }
    for (const check of image.checks) {
      if (check.status !== "error" && !check.error) continue;
      const id = qualifiedCheckId(check);
      notifications.push({
        level: "error",
        message: { text: escapeSarifText(`Check ${id} failed on image ${image.name} (${check.error?.phase ?? "run"}): ${check.error?.message ?? "the check ended in an error"}`) },
        descriptor: { id: check.error?.code ?? "CHECK_ERROR" },
        associatedRule: { id, index: ruleIndex(id) },
        properties: { image: image.name, phase: check.error?.phase ?? "run" },
      });
    }

    for (const finding of displayedFindings(image, severities, true)) {
      const id = qualifiedCheckId(finding);
      if (!rules.has(id)) addRule(rules, ruleIndexes, ruleFromFinding(finding));
      updateRule(rules.get(id)!, finding);
      results.push(resultOf(finding, id, ruleIndex(id), baseId, image.name, image.digest));
    }
  });

  const hasErrors = notifications.length > 0;
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: report.tool.name, version: report.tool.version, semanticVersion: semanticVersionOf(report.tool.version), rules: [...rules.values()] } },
        invocations: [
          {
            executionSuccessful: !hasErrors,
            startTimeUtc: report.startedAt,
            endTimeUtc: report.finishedAt,
            ...(hasErrors ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        originalUriBaseIds,
        results,
        columnKind: "unicodeCodePoints",
        properties: { schemaVersion: report.schemaVersion, images: report.images.map((image) => image.name) },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}

/** Adds the rule unless one with its id exists; `indexes` maps each id to its position in `rules`. */
function addRule(rules: Map<string, SarifRule>, indexes: Map<string, number>, rule: SarifRule): void {
  if (rules.has(rule.id)) return;
  indexes.set(rule.id, rules.size);
  rules.set(rule.id, rule);
}

function ruleFromCheck(check: CheckRun): SarifRule {
  const levelOfCheck: Record<CheckRun["level"], SarifLevel> = { high: "error", medium: "warning", low: "note" };
  return {
    id: qualifiedCheckId(check),
    name: check.check,
    shortDescription: { text: escapeSarifText(check.title || check.check) },
    defaultConfiguration: { level: levelOfCheck[check.level] },
    properties: { tags: ["security", ...check.tags.filter((tag) => tag !== "security")], plugin: `${check.plugin}@${check.pluginVersion}` },
  };
}

function ruleFromFinding(finding: Finding): SarifRule {
  return {
    id: qualifiedCheckId(finding),
    name: finding.check,
    shortDescription: { text: escapeSarifText(finding.checkTitle || finding.check) },
    defaultConfiguration: { level: LEVEL_OF_SEVERITY[finding.severity] },
    properties: { tags: ["security"], plugin: `${finding.plugin}@${finding.pluginVersion}` },
  };
}

/**
 * Raises the rule's `security-severity` to the finding's, and fills the rule's
 * help from the finding's remediation and docs URL, because a check run
 * carries neither.
 */
function updateRule(rule: SarifRule, finding: Finding): void {
  const current = rule.properties["security-severity"];
  const currentSeverity = (Object.keys(SECURITY_SEVERITY) as Severity[]).find((key) => SECURITY_SEVERITY[key] === current);
  if (currentSeverity === undefined || compareSeverity(finding.severity, currentSeverity) > 0) rule.properties["security-severity"] = SECURITY_SEVERITY[finding.severity];

  if (!rule.help && finding.remediation) rule.help = { text: escapeSarifText(finding.remediation) };
  const docsUrl = finding.docsUrl === undefined ? undefined : safeHttpUrl(finding.docsUrl);
  if (!rule.helpUri && docsUrl) rule.helpUri = docsUrl;
}

function resultOf(finding: Finding, ruleId: string, ruleIndex: number, baseId: string, imageName: string, imageDigest: string | undefined): unknown {
  // NOTE: a finding without a path (an image config setting, a package) has
  // only logical locations; SARIF allows that, but viewers that need a file,
  // such as GitHub code scanning, may not show such results.
  const location: Record<string, unknown> = {
    logicalLocations: [{ name: imageName, fullyQualifiedName: imageDigest ? `${imageName}@${imageDigest}` : imageName, kind: "module" }],
  };
  if (finding.path !== undefined) location.physicalLocation = { artifactLocation: { uri: pathToUri(finding.path), uriBaseId: baseId } };
  if (finding.package !== undefined) {
    (location.logicalLocations as unknown[]).push({ name: finding.package, kind: "package" });
  }

  const properties: Record<string, unknown> = { image: imageName, severity: finding.severity, messageId: finding.messageId };
  if (imageDigest !== undefined) properties.imageDigest = imageDigest;
  if (finding.layer !== undefined) properties.layer = finding.layer;
  if (finding.package !== undefined) properties.package = finding.package;
  if (finding.evidence !== undefined) properties.evidence = escapeControl(finding.evidence, true);

  const result: Record<string, unknown> = {
    ruleId,
    ruleIndex,
    level: LEVEL_OF_SEVERITY[finding.severity],
    message: { text: escapeSarifText(finding.message) },
    locations: [location],
    partialFingerprints: { [PARTIAL_FINGERPRINT_KEY]: finding.fingerprint },
    properties,
  };
  if (finding.suppression) {
    result.suppressions = [
      {
        kind: "external",
        status: "accepted",
        justification: finding.suppression.reason,
        properties: { source: finding.suppression.source, rule: finding.suppression.rule, ...(finding.suppression.expires ? { expires: finding.suppression.expires } : {}) },
      },
    ];
  }
  return result;
}

/**
 * Escapes control characters other than tab and line feed, so viewers that
 * print to a terminal show them as text, and "[", "]" and "\\" with a
 * backslash, because SARIF viewers turn `[text](target)` in a plain-text
 * message into a link.
 */
export function escapeSarifText(text: string): string {
  return escapeControl(text, true).replace(/[\\[\]]/g, "\\$&");
}

/**
 * Returns the path inside the image as a relative URI reference: each segment
 * percent-encoded, so spaces, `#`, `?`, `%` and markup cannot change its meaning.
 */
export function pathToUri(path: string): string {
  return path
    .replace(/^\/+/, "")
    .split("/")
    .map((segment) => encodeURIComponent(toWellFormed(segment)))
    .join("/");
}

/** SARIF's `semanticVersion` must be semver; a version that is not is left out. */
function semanticVersionOf(version: string): string | undefined {
  return /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(version) ? version : undefined;
}
