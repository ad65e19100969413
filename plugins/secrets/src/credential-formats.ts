import { isPlaceholder } from "./placeholders.js";
import type { SecretMatch } from "./tokens.js";
import { decodeBase64 } from "./private-key-text.js";

/** A file format that stores credentials, recognized by its path. */
interface CredentialFormat {
  /** Globs of the files, as checks declare them in `needs`. */
  readonly globs: readonly string[];
  /** Returns true when `path` is a file of this format. */
  matches(path: string): boolean;
  find(text: string): SecretMatch[];
}

const nameOf = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

/** Collects `key = value` pairs of INI-like lines whose key matches, with line numbers. */
function keyValues(text: string, keys: RegExp, kind: (key: string) => string, separator = /[=:]/): SecretMatch[] {
  const matches: SecretMatch[] = [];
  text.split("\n").forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed.startsWith("#") || trimmed.startsWith(";")) return;
    const at = trimmed.search(separator);
    if (at <= 0) return;
    const key = trimmed.slice(0, at).trim();
    const value = trimmed.slice(at + 1).trim().replace(/^(["'])(.*)\1$/, "$2");
    if (!keys.test(key) || isPlaceholder(value)) return;
    matches.push({ kind: kind(key), value, line: index + 1 });
  });
  return matches;
}

const AWS: CredentialFormat = {
  globs: ["**/.aws/credentials", "**/.aws/config"],
  matches: (path) => /\/\.aws\/(credentials|config)$/.test(path),
  find: (text) =>
    keyValues(text, /^(aws_secret_access_key|aws_session_token)$/i, (key) => (/session/i.test(key) ? "AWS session token" : "AWS secret access key"), /=/),
};

const NPMRC: CredentialFormat = {
  globs: ["**/.npmrc", "/etc/npmrc", "/usr/local/etc/npmrc"],
  matches: (path) => nameOf(path) === ".npmrc" || path === "/etc/npmrc" || path === "/usr/local/etc/npmrc",
  // Keys look like `//registry.npmjs.org/:_authToken`, so split at the first "=" only.
  find: (text) => keyValues(text, /(^|:)(_authToken|_auth|_password)$/, (key) => `npm ${key.slice(key.lastIndexOf(":") + 1)}`, /=/),
};

const PYPIRC: CredentialFormat = {
  globs: ["**/.pypirc"],
  matches: (path) => nameOf(path) === ".pypirc",
  find: (text) => keyValues(text, /^password$/i, () => "PyPI password"),
};

const PIP_CONF: CredentialFormat = {
  globs: ["/etc/pip.conf", "**/.pip/pip.conf", "**/.config/pip/pip.conf"],
  matches: (path) => nameOf(path) === "pip.conf",
  find: (text) =>
    keyValues(text, /^(index-url|extra-index-url)$/i, () => "pip index URL").flatMap((match) => {
      const password = /:\/\/[^\s:/@]+:([^\s@/]+)@/.exec(match.value)?.[1];
      return password && !isPlaceholder(password) ? [{ kind: "password in pip index URL", value: password, line: match.line }] : [];
    }),
};

const DOCKER_CONFIG: CredentialFormat = {
  globs: ["**/.docker/config.json", "**/.dockercfg"],
  matches: (path) => /\/\.docker\/config\.json$/.test(path) || nameOf(path) === ".dockercfg",
  find(text) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return [];
    }
    const root = parsed as { auths?: Record<string, unknown> } & Record<string, unknown>;
    const auths = (root.auths && typeof root.auths === "object" ? root.auths : root) as Record<string, unknown>;
    const matches: SecretMatch[] = [];
    for (const [registry, entry] of Object.entries(auths)) {
      if (!entry || typeof entry !== "object") continue;
      for (const field of ["auth", "identitytoken", "password", "registrytoken"]) {
        const value = (entry as Record<string, unknown>)[field];
        if (typeof value !== "string" || isPlaceholder(value)) continue;
        // `auth` is base64 of "user:password"; an empty password leaves nothing to protect.
        if (field === "auth" && !/:.+/.test(String.fromCharCode(...decodeBase64(value.slice(0, 1024))))) continue;
        const line = text.split("\n").findIndex((candidate) => candidate.includes(value)) + 1;
        matches.push({ kind: `Docker registry ${field} for ${registry}`, value, line: Math.max(line, 1) });
      }
    }
    return matches;
  },
};

const NETRC: CredentialFormat = {
  globs: ["**/.netrc", "**/_netrc"],
  matches: (path) => nameOf(path) === ".netrc" || nameOf(path) === "_netrc",
  find(text) {
    const matches: SecretMatch[] = [];
    text.split("\n").forEach((line, index) => {
      for (const match of line.matchAll(/\bpassword\s+(\S+)/g)) {
        if (!isPlaceholder(match[1]!)) matches.push({ kind: "netrc password", value: match[1]!, line: index + 1 });
      }
    });
    return matches;
  },
};

const PGPASS: CredentialFormat = {
  globs: ["**/.pgpass"],
  matches: (path) => nameOf(path) === ".pgpass",
  find(text) {
    const matches: SecretMatch[] = [];
    text.split("\n").forEach((line, index) => {
      if (line.startsWith("#")) return;
      // hostname:port:database:username:password, with "\:" for a literal colon.
      const fields = line.split(/(?<!\\):/);
      const password = fields.length >= 5 ? fields.slice(4).join(":") : "";
      if (!isPlaceholder(password)) matches.push({ kind: "PostgreSQL password", value: password, line: index + 1 });
    });
    return matches;
  },
};

const GIT_CREDENTIALS: CredentialFormat = {
  globs: ["**/.git-credentials", "**/.config/git/credentials"],
  matches: (path) => nameOf(path) === ".git-credentials" || path.endsWith("/.config/git/credentials"),
  find(text) {
    const matches: SecretMatch[] = [];
    text.split("\n").forEach((line, index) => {
      const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/i.exec(line.trim())?.[1];
      if (password && !isPlaceholder(password)) matches.push({ kind: "git credential", value: password, line: index + 1 });
    });
    return matches;
  },
};

const KUBECONFIG: CredentialFormat = {
  globs: ["**/.kube/config", "/etc/kubernetes/*.conf"],
  matches: (path) => path.endsWith("/.kube/config") || /^\/etc\/kubernetes\/[^/]+\.conf$/.test(path),
  find: (text) =>
    keyValues(text, /^-?\s*(token|client-key-data|password|id-token|refresh-token|access-token)$/, (key) => `kubeconfig ${key.replace(/^-\s*/, "")}`, /:/),
};

export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = [AWS, NPMRC, PYPIRC, PIP_CONF, DOCKER_CONFIG, NETRC, PGPASS, GIT_CREDENTIALS, KUBECONFIG];

export const CREDENTIAL_GLOBS: readonly string[] = CREDENTIAL_FORMATS.flatMap((format) => format.globs);

/** Finds credentials in a file of a known credential format; returns undefined when the path is of no known format. */
export function findCredentials(path: string, text: string): SecretMatch[] | undefined {
  const format = CREDENTIAL_FORMATS.find((candidate) => candidate.matches(path));
  return format?.find(text);
}
