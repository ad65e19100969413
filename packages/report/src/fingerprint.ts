import { createHash } from "node:crypto";

/** Fields that identify a finding across runs; a field left out counts as empty. */
export interface FingerprintInput {
  /** Qualified check id, `plugin/check`, so that two plugins with the same check id differ. */
  check: string;
  messageId: string;
  path?: string;
  package?: string;
  imageDigest?: string;
  /** Tells apart findings of one check and message at the same location, for example two ENV variables; omitted when empty. */
  detail?: string;
}

/** Version tag hashed with the fields: changing what goes into a fingerprint means a new tag. */
const FINGERPRINT_VERSION = "checks-fingerprint/1";

/**
 * Returns the hex sha256 of the finding's identifying fields. The fields are
 * hashed as a JSON array, so no choice of field values can collide with
 * another by shifting a separator. The message text, severity and plugin
 * version are left out on purpose: a reworded message or a plugin upgrade
 * keeps the fingerprint, and with it the ignore rules that name it.
 */
export function fingerprint(input: FingerprintInput): string {
  const fields = [FINGERPRINT_VERSION, input.check, input.messageId, input.path ?? "", input.package ?? "", input.imageDigest ?? ""];
  if (input.detail) fields.push(input.detail);
  return createHash("sha256").update(JSON.stringify(fields), "utf8").digest("hex");
}
