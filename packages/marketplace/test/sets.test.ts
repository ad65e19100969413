import { generateKeyPairSync } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  MarketplaceError,
  addTrustedKey,
  canonicalSetBytes,
  generateSigningKey,
  parseSet,
  readTrustedKeys,
  removeTrustedKey,
  signSet,
  trustedKeyFrom,
  verifySet,
} from "../src/index.js";
import type { UnsignedSet } from "../src/index.js";
import { makeTempDir } from "./helpers.js";

const INTEGRITY = `sha512-${Buffer.alloc(64, 1).toString("base64")}`;
const unsigned: UnsignedSet = {
  type: "checks-set",
  name: "baseline",
  version: "1.0.0",
  description: "Baseline checks",
  plugins: [
    { name: "@checks/plugin-secrets", version: "1.2.3", integrity: INTEGRITY },
    { name: "checks-plugin-example", version: "0.1.0", integrity: INTEGRITY },
  ],
};

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof MarketplaceError) return error.code;
    throw error;
  }
  return undefined;
}

describe("signed sets", () => {
  const key = generateSigningKey();
  const trusted = [trustedKeyFrom(key.publicKeyPem, "site")];

  it("verifies a set signed by a trusted key", () => {
    const set = signSet(unsigned, key.privateKeyPem);
    expect(set.keyId).toBe(key.id);
    expect(verifySet(set, trusted).id).toBe(key.id);
  });

  it("survives a JSON round trip and reordered plugins", () => {
    const set = signSet(unsigned, key.privateKeyPem);
    const reordered = { ...set, plugins: [...set.plugins].reverse() };
    const parsed = parseSet(JSON.stringify(reordered, null, 4), "set.json");
    expect(codeOf(() => verifySet(parsed, trusted))).toBeUndefined();
  });

  it("signs the same bytes for the same content", () => {
    const set = signSet(unsigned, key.privateKeyPem);
    expect(canonicalSetBytes({ ...set, plugins: [...set.plugins].reverse() })).toEqual(canonicalSetBytes(set));
  });

  it.each<[string, (set: ReturnType<typeof signSet>) => ReturnType<typeof signSet>]>([
    ["changed version", (set) => ({ ...set, plugins: [{ ...set.plugins[0]!, version: "9.9.9" }, set.plugins[1]!] })],
    ["changed integrity", (set) => ({ ...set, plugins: [{ ...set.plugins[0]!, integrity: `sha512-${Buffer.alloc(64, 2).toString("base64")}` }, set.plugins[1]!] })],
    ["added plugin", (set) => ({ ...set, plugins: [...set.plugins, { name: "checks-plugin-evil", version: "1.0.0", integrity: INTEGRITY }] })],
    ["changed name", (set) => ({ ...set, name: "other" })],
  ])("rejects a set with a %s", (_name, tamper) => {
    expect(codeOf(() => verifySet(tamper(signSet(unsigned, key.privateKeyPem)), trusted))).toBe("BAD_SIGNATURE");
  });

  it("rejects a set signed by an untrusted key", () => {
    const other = generateSigningKey();
    expect(codeOf(() => verifySet(signSet(unsigned, other.privateKeyPem), trusted))).toBe("UNTRUSTED_KEY");
  });

  it("rejects a trusted key with another id", () => {
    const other = generateSigningKey();
    const forged = [{ ...trustedKeyFrom(other.publicKeyPem), id: key.id }];
    expect(codeOf(() => verifySet(signSet(unsigned, key.privateKeyPem), forged))).toBe("UNTRUSTED_KEY");
  });

  it("rejects keys that are not ed25519", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(codeOf(() => signSet(unsigned, pem))).toBe("INVALID_KEY");
    expect(codeOf(() => trustedKeyFrom("not a key"))).toBe("INVALID_KEY");
  });

  it.each<[string, unknown]>([
    ["a range instead of a version", { ...unsigned, plugins: [{ ...unsigned.plugins[0]!, version: "^1.2.3" }] }],
    ["a non-plugin name", { ...unsigned, plugins: [{ ...unsigned.plugins[0]!, name: "lodash" }] }],
    ["a sha1 integrity", { ...unsigned, plugins: [{ ...unsigned.plugins[0]!, integrity: "sha1-AAAA" }] }],
    ["a duplicate plugin", { ...unsigned, plugins: [unsigned.plugins[0]!, unsigned.plugins[0]!] }],
  ])("parseSet rejects %s", (_name, document) => {
    const json = JSON.stringify({ ...(document as object), keyId: key.id, signature: "AAAA" });
    expect(codeOf(() => parseSet(json, "set.json"))).toBe("INVALID_SET");
  });
});

describe("trusted keys file", () => {
  it("adds, lists and removes keys", async () => {
    const file = join(await makeTempDir("trust"), "config", "trusted-keys.json");
    const first = generateSigningKey();
    const second = generateSigningKey();

    expect(await readTrustedKeys(file)).toEqual([]);
    await addTrustedKey(file, first.publicKeyPem, "site");
    await addTrustedKey(file, second.privateKeyPem);
    await addTrustedKey(file, first.publicKeyPem, "renamed");

    const keys = await readTrustedKeys(file);
    expect(keys.map((key) => key.id)).toEqual([first.id, second.id]);
    expect(keys[0]!.name).toBe("renamed");
    expect(await readFile(file, "utf8")).not.toContain("PRIVATE KEY");

    expect((await removeTrustedKey(file, "renamed"))?.id).toBe(first.id);
    expect(await removeTrustedKey(file, first.id)).toBeUndefined();
    expect((await readTrustedKeys(file)).map((key) => key.id)).toEqual([second.id]);
  });
});
