import type { SingularitySignature } from "@checks/sdk";
import type { ByteSource } from "../source.js";
import type { SifDescriptor } from "./format.js";

/** Hash algorithms no longer considered collision resistant. */
const WEAK_HASHES = new Set(["md5", "sha1", "ripemd160"]);
/** Bytes of a signature object read to find its format and armor headers. */
const SIGNATURE_HEAD_BYTES = 64 * 1024;

export interface SifSignatureSummary {
  /** Hash algorithm of the descriptor, for example `sha256`. */
  hashAlgorithm: string;
  /** Hash algorithm named in an OpenPGP clear-signed message's `Hash:` header, lower case. */
  messageHashAlgorithm?: string;
  weakAlgorithm: boolean;
  fingerprint?: string;
  /** `pgp-clearsign`, `dsse` or `unknown`. */
  format: string;
  /** Covered objects and groups as `object:ID` and `group:ID`. */
  covers: string[];
  /** Always false: signatures are listed, not verified cryptographically. */
  verified: false;
}

/**
 * Summarizes one signature object. NOTE: no cryptographic verification is
 * done; `verified` is always false.
 */
export async function summarizeSignature(
  source: ByteSource,
  descriptor: SifDescriptor,
  all: readonly SifDescriptor[],
): Promise<SifSignatureSummary> {
  const head = new TextDecoder("utf-8", { fatal: false }).decode(await source.read(descriptor.offset, Math.min(descriptor.size, SIGNATURE_HEAD_BYTES)));
  const hashAlgorithm = descriptor.signature?.hashName ?? "unknown";

  let format = "unknown";
  let messageHashAlgorithm: string | undefined;
  if (head.startsWith("-----BEGIN PGP SIGNED MESSAGE-----")) {
    format = "pgp-clearsign";
    const armorEnd = head.indexOf("\n\n");
    const armor = armorEnd === -1 ? head : head.slice(0, armorEnd);
    const hashLine = /^Hash:\s*([^\r\n]+)/m.exec(armor);
    if (hashLine) messageHashAlgorithm = hashLine[1]!.split(",")[0]!.trim().toLowerCase();
  } else if (head.trimStart().startsWith("{") && head.includes('"payloadType"')) {
    format = "dsse";
  }

  const covers: string[] = [];
  if (descriptor.link?.group) {
    covers.push(`group:${descriptor.link.id}`);
    for (const other of all) if (other.groupId === descriptor.link.id && other.id !== descriptor.id) covers.push(`object:${other.id}`);
  } else if (descriptor.link) {
    covers.push(`object:${descriptor.link.id}`);
  }

  const summary: SifSignatureSummary = {
    hashAlgorithm,
    weakAlgorithm: WEAK_HASHES.has(hashAlgorithm) || (messageHashAlgorithm !== undefined && WEAK_HASHES.has(messageHashAlgorithm)),
    format,
    covers,
    verified: false,
  };
  if (messageHashAlgorithm !== undefined) summary.messageHashAlgorithm = messageHashAlgorithm;
  if (descriptor.signature?.fingerprint !== undefined) summary.fingerprint = descriptor.signature.fingerprint;
  return summary;
}

/** Converts a summary into the SDK's SingularitySignature. */
export function toSdkSignature(summary: SifSignatureSummary): SingularitySignature {
  const signature: SingularitySignature = {
    hashAlgorithm: summary.hashAlgorithm,
    weakAlgorithm: summary.weakAlgorithm,
    covers: summary.covers,
    verified: false,
  };
  if (summary.fingerprint !== undefined) signature.fingerprint = summary.fingerprint;
  return signature;
}
