/**
 * Detection of private keys in text: PEM blocks (PKCS#1, PKCS#8, SEC1, DSA),
 * OpenSSH keys, PGP secret key blocks, PuTTY key files and unprotected GnuPG
 * 2.1 key files. Public keys and certificates never match.
 */

export interface PrivateKeyMatch {
  /** For example "RSA private key" or "OpenSSH private key". */
  readonly kind: string;
  readonly encrypted: boolean;
  /** Line number of the header, from 1. */
  readonly line: number;
  /** The header line, which names the key type and contains no secret. */
  readonly header: string;
}

/** Minimum length of base64 body that a real key has; shorter bodies are documentation stubs such as "MII...". */
const MIN_BODY_LENGTH = 64;

const PEM_BEGIN = /-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED |ANY |PGP )?PRIVATE KEY(?: BLOCK)?)-----/g;

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes base64 without `atob`, which the plugin sandbox does not provide. Stops at the first character outside the alphabet. */
export function decodeBase64(text: string): Uint8Array {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const value = BASE64_ALPHABET.indexOf(char);
    if (value === -1) break;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** Reads the cipher name from an OpenSSH key body (`openssh-key-v1\0`, then a length-prefixed cipher name). */
function opensshCipher(base64: string): string | undefined {
  const bytes = decodeBase64(base64.slice(0, 64));
  const magic = "openssh-key-v1\0";
  if (String.fromCharCode(...bytes.subarray(0, magic.length)) !== magic) return undefined;
  const at = magic.length;
  const length = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  if (length > 64) return undefined;
  return String.fromCharCode(...bytes.subarray(at + 4, at + 4 + length));
}

function kindOf(label: string): string {
  if (label === "RSA PRIVATE KEY") return "RSA private key";
  if (label === "DSA PRIVATE KEY") return "DSA private key";
  if (label === "EC PRIVATE KEY") return "EC private key";
  if (label === "OPENSSH PRIVATE KEY") return "OpenSSH private key";
  if (label === "PGP PRIVATE KEY BLOCK") return "PGP private key";
  return "PKCS#8 private key";
}

/** Finds private keys in text. */
export function findPrivateKeys(text: string): PrivateKeyMatch[] {
  const matches: PrivateKeyMatch[] = [];

  // Each BEGIN looks for its END with indexOf. A label whose END is missing is not searched
  // again, so a file of many unterminated headers costs linear time, not quadratic.
  const unterminated = new Set<string>();
  for (const match of text.matchAll(PEM_BEGIN)) {
    const label = match[1]!;
    if (unterminated.has(label)) continue;
    const bodyStart = match.index + match[0].length;
    const end = text.indexOf(`-----END ${label}-----`, bodyStart);
    if (end === -1) {
      unterminated.add(label);
      continue;
    }
    const body = text.slice(bodyStart, end);
    const base64 = body
      .split("\n")
      .filter((line) => !line.includes(":"))
      .join("")
      .replace(/\s+/g, "");
    if (base64.length < MIN_BODY_LENGTH || !/^[A-Za-z0-9+/=]+$/.test(base64)) continue;

    let encrypted = label === "ENCRYPTED PRIVATE KEY" || /Proc-Type:\s*4,ENCRYPTED/.test(body);
    if (label === "OPENSSH PRIVATE KEY") {
      const cipher = opensshCipher(base64);
      encrypted = cipher !== undefined && cipher !== "none";
    }
    const line = lineOf(text, match.index);
    matches.push({ kind: kindOf(label), encrypted, line, header: `-----BEGIN ${label}-----` });
  }

  const putty = /^PuTTY-User-Key-File-\d+: (\S+)\r?\nEncryption: (\S+)/m.exec(text);
  if (putty) {
    matches.push({ kind: `PuTTY ${putty[1]} private key`, encrypted: putty[2] !== "none", line: lineOf(text, putty.index), header: putty[0].split("\n")[0]! });
  }

  const gnupg = /^\((protected-)?private-key\s*\(/m.exec(text);
  if (gnupg) {
    matches.push({ kind: "GnuPG private key", encrypted: gnupg[1] !== undefined, line: lineOf(text, gnupg.index), header: `(${gnupg[1] ?? ""}private-key` });
  }
  return matches;
}
