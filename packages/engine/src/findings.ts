import type { ImageInfo } from "@checks/sdk";
import { renderMessage } from "@checks/sdk";
import type { CheckManifest } from "@checks/sdk/host";
import type { CheckRun, Finding } from "@checks/report";
import { fingerprint } from "@checks/report";
import type { PluginResult } from "@checks/sandbox";
import type { SelectedCheck } from "./selection.js";

/**
 * Turns one plugin's sandbox result into report entries: a CheckRun per
 * selected check and a Finding per reported finding, with the message
 * rendered from the manifest's table (never from plugin-supplied text).
 */
export function collectResults(
  result: PluginResult,
  selected: readonly SelectedCheck[],
  image: ImageInfo,
): { checks: CheckRun[]; findings: Finding[] } {
  const checks: CheckRun[] = [];
  const findings: Finding[] = [];
  const byId = new Map(result.checks.map((check) => [check.checkId, check]));

  for (const { plugin, check } of selected) {
    const outcome = byId.get(check.id);
    const run: CheckRun = {
      plugin: plugin.name,
      pluginVersion: plugin.version,
      check: check.id,
      title: check.title,
      level: check.level,
      tags: [...check.tags],
      status: outcome?.status ?? "error",
      findings: outcome?.findings.length ?? 0,
      durationMs: Math.round(outcome?.durationMs ?? 0),
      deniedCount: outcome?.deniedCount ?? 0,
      notes: outcome?.notes ?? [],
    };
    const error = outcome?.error ?? result.error;
    if (error) run.error = { code: error.code, phase: error.phase, message: error.message };
    if (!outcome && !error) run.error = { code: "NO_RESULT", phase: "run", message: `The sandbox returned no result for check "${check.id}".` };
    checks.push(run);

    for (const raw of outcome?.findings ?? []) {
      findings.push(toFinding(raw, plugin.name, plugin.version, check, image));
    }
  }
  return { checks, findings };
}

function toFinding(
  raw: PluginResult["checks"][number]["findings"][number],
  pluginName: string,
  pluginVersion: string,
  check: CheckManifest,
  image: ImageInfo,
): Finding {
  const spec = check.messages[raw.messageId];
  const finding: Finding = {
    fingerprint: fingerprint({
      check: `${pluginName}/${check.id}`,
      messageId: raw.messageId,
      path: raw.path,
      package: raw.package,
      imageDigest: image.digest,
      // Findings without a path or package (ENV variables, history steps) are distinguished by their data.
      ...(raw.path === undefined && raw.package === undefined ? { detail: stableJson(raw.data) } : {}),
    }),
    plugin: pluginName,
    pluginVersion,
    check: check.id,
    checkTitle: check.title,
    messageId: raw.messageId,
    message: spec ? renderMessage(spec.text, raw.data) : `${raw.messageId} (message id missing from the plugin's manifest)`,
    severity: raw.severity ?? spec?.severity ?? "medium",
  };
  if (raw.path !== undefined) finding.path = raw.path;
  if (raw.layer !== undefined) finding.layer = raw.layer;
  if (raw.package !== undefined) finding.package = raw.package;
  if (raw.evidence !== undefined) finding.evidence = raw.evidence;
  if (check.remediation) finding.remediation = check.remediation;
  if (check.docsUrl) finding.docsUrl = check.docsUrl;
  return finding;
}

function stableJson(data: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(data).sort().map((key) => [key, data[key]]));
}
