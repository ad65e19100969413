import type { SandboxLimits } from "../types.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function capText(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over UTF-8 continuation bytes (10xxxxxx) to a character boundary.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return decoder.decode(bytes.subarray(0, end));
}

/**
 * Applies the evidence and message caps to findings that arrived as plain
 * data. Fields of the wrong type are left as they are, so the host's schema
 * rejects them; a note records every cut.
 */
export function capFindings(findings: unknown[], limits: SandboxLimits, notes: string[]): unknown[] {
  let cut = 0;
  const result = findings.map((finding) => {
    if (finding === null || typeof finding !== "object" || Array.isArray(finding)) return finding;
    const copy = { ...(finding as Record<string, unknown>) };
    if (typeof copy.evidence === "string") {
      const capped = capText(copy.evidence, limits.maxEvidenceBytes);
      if (capped !== copy.evidence) cut++;
      copy.evidence = capped;
    }
    if (copy.data !== null && typeof copy.data === "object" && !Array.isArray(copy.data)) {
      const data = { ...(copy.data as Record<string, unknown>) };
      for (const [key, value] of Object.entries(data)) {
        if (typeof value !== "string") continue;
        const capped = capText(value, limits.maxMessageBytes);
        if (capped !== value) cut++;
        data[key] = capped;
      }
      copy.data = data;
    }
    return copy;
  });
  if (cut > 0) notes.push(`${cut} finding values were cut to the size limits (evidence ${limits.maxEvidenceBytes} bytes, data values ${limits.maxMessageBytes} bytes).`);
  return result;
}
