/**
 * Parser for the RFC 822-style stanzas of dpkg's status file, apk's installed
 * database and Python's METADATA: `Field: value` lines, continuation lines that
 * start with a space or tab, stanzas separated by blank lines.
 */

export interface Stanza {
  fields: Map<string, string>;
  /** 1-based line number where the stanza starts, for notes. */
  line: number;
}

/** Splits text into stanzas; field names keep their case, values are trimmed. Stops after `maxStanzas`. */
export function parseStanzas(text: string, maxStanzas: number): { stanzas: Stanza[]; truncated: boolean } {
  const stanzas: Stanza[] = [];
  let current: Stanza | undefined;
  let lastField: string | undefined;
  const lines = text.split(/\r?\n/);

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === "") {
      current = undefined;
      lastField = undefined;
      continue;
    }
    if (!current) {
      if (stanzas.length >= maxStanzas) return { stanzas, truncated: true };
      current = { fields: new Map(), line: index + 1 };
      stanzas.push(current);
    }
    if ((line.startsWith(" ") || line.startsWith("\t")) && lastField !== undefined) {
      current.fields.set(lastField, `${current.fields.get(lastField) ?? ""}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    lastField = line.slice(0, colon);
    current.fields.set(lastField, line.slice(colon + 1).trim());
  }
  return { stanzas, truncated: false };
}

/** Parses the header block of a Python METADATA or PKG-INFO file, which ends at the first blank line. */
export function parseHeaderBlock(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let lastField: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") break;
    if ((line.startsWith(" ") || line.startsWith("\t")) && lastField !== undefined) {
      const values = headers.get(lastField)!;
      values[values.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    lastField = line.slice(0, colon).toLowerCase();
    const values = headers.get(lastField) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(lastField, values);
  }
  return headers;
}
