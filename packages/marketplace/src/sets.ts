import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { z } from "zod";
import { PLUGIN_NAME_PATTERN } from "@checks/sdk/host";
import semver from "semver";
import { MarketplaceError } from "./errors.js";
import { sha512Digests } from "./integrity.js";

/** Value of `type` in every set document; it also separates set signatures from other ed25519 uses of a key. */
export const SET_TYPE = "checks-set";
/** Largest set document accepted, in bytes. */
export const MAX_SET_BYTES = 1024 * 1024;

const SetPluginSchema = z.strictObject({
  name: z.string().regex(PLUGIN_NAME_PATTERN, "must be a plugin package name"),
  version: z.string().refine((value) => semver.valid(value) === value, { message: 'must be an exact version such as "1.2.3"' }),
  integrity: z.string().refine((value) => sha512Digests(value).length > 0, { message: 'must be a sha512 integrity such as "sha512-..."' }),
});

/** A curated set before signing. */
export const UnsignedSetSchema = z.strictObject({
  type: z.literal(SET_TYPE),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "must be a lower-case name such as \"baseline\"").max(100),
  version: z.string().refine((value) => semver.valid(value) === value, { message: 'must be an exact version such as "1.0.0"' }),
  description: z.string().max(2000).default(""),
  plugins: z
    .array(SetPluginSchema)
    .min(1, "needs at least one plugin")
    .max(500)
    .refine((plugins) => new Set(plugins.map((plugin) => plugin.name)).size === plugins.length, { message: "lists a plugin twice" }),
});

/** A signed curated set: the unsigned fields plus the signing key's id and the signature. */
export const CuratedSetSchema = UnsignedSetSchema.extend({
  keyId: z.string().regex(/^ed25519:[0-9a-f]{32}$/, 'must be a key id such as "ed25519:0123..."'),
  /** Base64 ed25519 signature over `canonicalSetBytes` of the document. */
  signature: z.string().regex(/^[A-Za-z0-9+/]+=*$/).max(200),
});

export type SetPlugin = z.output<typeof SetPluginSchema>;
export type UnsignedSet = z.output<typeof UnsignedSetSchema>;
export type CuratedSet = z.output<typeof CuratedSetSchema>;

/** A public key the user decided to trust for curated sets. */
export interface TrustedKey {
  id: string;
  /** SPKI PEM of the ed25519 public key. */
  publicKey: string;
  /** A label shown by `checks trust list`. */
  name?: string;
  addedAt: string;
}

/** Orders strings by UTF-16 code units, independent of the locale. */
function compareCodeUnits(left: string, right: string): number {
  if (left < right) return -1;
  return left > right ? 1 : 0;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([left], [right]) => compareCodeUnits(left, right));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Returns the bytes a set signature covers: every field except `signature`,
 * as JSON with keys sorted by code unit and no whitespace, plugins sorted by name.
 */
export function canonicalSetBytes(set: UnsignedSet & { keyId: string }): Buffer {
  const { type, name, version, description, keyId } = set;
  const plugins = [...set.plugins]
    .sort((left, right) => compareCodeUnits(left.name, right.name))
    .map(({ name: pluginName, version: pluginVersion, integrity }) => ({ name: pluginName, version: pluginVersion, integrity }));
  return Buffer.from(canonicalJson({ type, name, version, description, plugins, keyId }), "utf8");
}

/** Returns the id of an ed25519 public key: `ed25519:` and the first 32 hex digits of the SHA-256 of its SPKI DER form. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  return `ed25519:${createHash("sha256").update(der).digest("hex").slice(0, 32)}`;
}

/** A new signing key pair as PEM text: PKCS#8 private key and SPKI public key. */
export interface GeneratedKey {
  id: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

/** Generates an ed25519 key pair for signing sets. */
export function generateSigningKey(): GeneratedKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    id: keyIdOf(publicKey),
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

function requireEd25519(key: KeyObject, source: string): KeyObject {
  if (key.asymmetricKeyType !== "ed25519") {
    throw new MarketplaceError("INVALID_KEY", `${source} is a ${key.asymmetricKeyType ?? "symmetric"} key; sets are signed with ed25519 keys made by "checks set keygen".`);
  }
  return key;
}

/** Parses a PEM private key; throws INVALID_KEY when it is not an ed25519 private key. */
export function parsePrivateKey(pem: string, source = "the key"): KeyObject {
  try {
    return requireEd25519(createPrivateKey(pem), source);
  } catch (error) {
    if (error instanceof MarketplaceError) throw error;
    throw new MarketplaceError("INVALID_KEY", `${source} is not a PEM private key; pass the private key file written by "checks set keygen".`, { cause: error });
  }
}

/** Parses a PEM public key, or derives it from a PEM private key; throws INVALID_KEY otherwise. */
export function parsePublicKey(pem: string, source = "the key"): KeyObject {
  try {
    return requireEd25519(createPublicKey(pem), source);
  } catch (error) {
    if (error instanceof MarketplaceError) throw error;
    throw new MarketplaceError("INVALID_KEY", `${source} is not a PEM public key; pass the ".pub.pem" file written by "checks set keygen".`, { cause: error });
  }
}

/** Signs a set with an ed25519 private key and returns the signed document. */
export function signSet(set: UnsignedSet, privateKeyPem: string): CuratedSet {
  const unsigned = UnsignedSetSchema.parse(stripSignature(set));
  const privateKey = parsePrivateKey(privateKeyPem);
  const keyId = keyIdOf(createPublicKey(privateKey));
  const signature = sign(null, canonicalSetBytes({ ...unsigned, keyId }), privateKey).toString("base64");
  return { ...unsigned, keyId, signature };
}

function stripSignature(set: UnsignedSet | CuratedSet): UnsignedSet {
  const { keyId: _keyId, signature: _signature, ...rest } = set as CuratedSet;
  return rest;
}

/** Parses a set document from JSON text, listing every problem with its field path. */
export function parseSet(text: string, source: string): CuratedSet {
  if (Buffer.byteLength(text) > MAX_SET_BYTES) {
    throw new MarketplaceError("INVALID_SET", `The set ${source} has more than ${MAX_SET_BYTES} bytes; a set lists plugin versions and is far smaller.`, { package: source });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MarketplaceError("INVALID_SET", `The set ${source} is not valid JSON.`, { package: source, cause: error });
  }
  const parsed = CuratedSetSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(set)"}: ${issue.message}`).join("\n");
    throw new MarketplaceError("INVALID_SET", `The set ${source} is invalid:\n${problems}\nA set is made by "checks set create" and "checks set sign".`, { package: source, cause: parsed.error });
  }
  return parsed.data;
}

/**
 * Checks a set's signature against the trusted keys: the key id must be
 * trusted, the trusted key must have that id, and the signature must verify.
 */
export function verifySet(set: CuratedSet, trustedKeys: readonly TrustedKey[], source = `${set.name}@${set.version}`): TrustedKey {
  const trusted = trustedKeys.find((key) => key.id === set.keyId);
  if (!trusted) {
    throw new MarketplaceError("UNTRUSTED_KEY", `The set ${source} is signed by key ${set.keyId}, which is not trusted; if you trust its publisher, add their public key with "checks trust add KEYFILE". Nothing was installed.`, { package: source });
  }
  const publicKey = parsePublicKey(trusted.publicKey, `trusted key ${trusted.id}`);
  if (keyIdOf(publicKey) !== set.keyId) {
    throw new MarketplaceError("UNTRUSTED_KEY", `The trusted key stored as ${trusted.id} has a different id; remove it with "checks trust remove ${trusted.id}" and add the key file again.`, { package: source });
  }
  const valid = verify(null, canonicalSetBytes(set), publicKey, Buffer.from(set.signature, "base64"));
  if (!valid) {
    throw new MarketplaceError("BAD_SIGNATURE", `The signature of the set ${source} does not verify with key ${set.keyId}: the set was changed after signing. Nothing was installed; fetch the set again from its publisher.`, { package: source });
  }
  return trusted;
}

/** Returns a trusted-key entry for a PEM public (or private) key. */
export function trustedKeyFrom(pem: string, name?: string, now: Date = new Date()): TrustedKey {
  const publicKey = parsePublicKey(pem);
  const entry: TrustedKey = { id: keyIdOf(publicKey), publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(), addedAt: now.toISOString() };
  if (name !== undefined) entry.name = name;
  return entry;
}
