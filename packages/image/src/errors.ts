/** Reason an image could not be opened or read. Tests assert the code, not the message. */
export type ImageErrorCode =
  | "NOT_FOUND"
  | "UNREADABLE"
  | "UNSUPPORTED_FORMAT"
  | "UNSUPPORTED_COMPRESSION"
  | "INVALID_TAR"
  | "INVALID_FILESYSTEM"
  | "TRUNCATED"
  | "INVALID_MANIFEST"
  | "INVALID_DIGEST"
  | "DIGEST_MISMATCH"
  | "SIZE_MISMATCH"
  | "MISSING_BLOB"
  | "PLATFORM_NOT_FOUND"
  | "AMBIGUOUS_IMAGE"
  | "REFERENCE_NOT_FOUND"
  | "DECOMPRESSION_FAILED"
  | "LIMIT_EXCEEDED"
  | "INVALID_OPTIONS"
  | "CLOSED";

export interface ImageErrorOptions {
  /** The file or blob the error concerns (a path, or a digest inside an archive). */
  file?: string;
  /** For LIMIT_EXCEEDED: the name of the limit in ImageLimits. */
  limit?: string;
  /** For PLATFORM_NOT_FOUND: the platforms the image offers. */
  available?: string[];
  cause?: unknown;
}

/** Every failure to open or read an image; `code` tells which. */
export class ImageError extends Error {
  readonly code: ImageErrorCode;
  readonly file?: string;
  readonly limit?: string;
  readonly available?: string[];

  constructor(code: ImageErrorCode, message: string, options: ImageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ImageError";
    this.code = code;
    if (options.file !== undefined) this.file = options.file;
    if (options.limit !== undefined) this.limit = options.limit;
    if (options.available !== undefined) this.available = options.available;
  }
}

export function isImageError(error: unknown, code?: ImageErrorCode): error is ImageError {
  return error instanceof ImageError && (code === undefined || error.code === code);
}
