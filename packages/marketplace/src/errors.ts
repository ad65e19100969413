/** Every reason the marketplace client rejects a request, a response, a package or a set. */
export type MarketplaceErrorCode =
  | "INVALID_SPEC"
  | "INVALID_CONFIG"
  | "REGISTRY_UNREACHABLE"
  | "REGISTRY_ERROR"
  | "AUTH_REQUIRED"
  | "NOT_FOUND"
  | "NO_MATCHING_VERSION"
  | "RESPONSE_TOO_LARGE"
  | "INVALID_RESPONSE"
  | "INTEGRITY_MISSING"
  | "INTEGRITY_MISMATCH"
  | "INVALID_TARBALL"
  | "UNSAFE_TARBALL"
  | "TARBALL_TOO_LARGE"
  | "INVALID_MANIFEST"
  | "INCOMPATIBLE_API"
  | "NAME_MISMATCH"
  | "NOT_INSTALLED"
  | "INVALID_LOCKFILE"
  | "STORE_LOCKED"
  | "INVALID_SET"
  | "NOT_IN_SET"
  | "SET_DOWNGRADE"
  | "UNTRUSTED_KEY"
  | "BAD_SIGNATURE"
  | "INVALID_KEY"
  | "PUBLISH_FAILED";

/**
 * A failure of the marketplace client. `package` names the package concerned
 * when there is one; the message states what was wrong and what to do.
 */
export class MarketplaceError extends Error {
  readonly code: MarketplaceErrorCode;
  readonly package?: string;

  constructor(code: MarketplaceErrorCode, message: string, options: { package?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "MarketplaceError";
    this.code = code;
    if (options.package !== undefined) this.package = options.package;
  }
}

/** Returns true when `error` is a MarketplaceError, optionally with the given code. */
export function isMarketplaceError(error: unknown, code?: MarketplaceErrorCode): error is MarketplaceError {
  return error instanceof MarketplaceError && (code === undefined || error.code === code);
}
