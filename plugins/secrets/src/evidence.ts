import { redact } from "@checks/sdk";

/** Builds finding evidence for a secret found on a line: the line number and the redacted value, never the value itself. */
export function secretEvidence(line: number, value: string): string {
  return `line ${line}: ${redact(value)}`;
}

/** Builds evidence for a named variable: its name and the redacted value. */
export function variableEvidence(name: string, value: string): string {
  return `${name}=${redact(value)}`;
}
