/** Error codes of the SIF container reader. */
export type SifErrorCode =
  | "NOT_SIF"
  | "UNSUPPORTED_VERSION"
  | "TRUNCATED"
  | "INVALID_HEADER"
  | "INVALID_DESCRIPTOR"
  | "NO_PRIMARY_PARTITION"
  | "UNSUPPORTED_PARTITION_TYPE"
  | "READ_FAILED";

/** Error codes of the squashfs reader. */
export type SquashfsErrorCode =
  | "NOT_SQUASHFS"
  | "UNSUPPORTED_VERSION"
  | "UNSUPPORTED_COMPRESSION"
  | "TRUNCATED"
  | "INVALID_SUPERBLOCK"
  | "INVALID_METADATA_BLOCK"
  | "INVALID_DATA_BLOCK"
  | "DECOMPRESSION_FAILED"
  | "DECOMPRESSED_TOO_LARGE"
  | "INVALID_INODE"
  | "INVALID_DIRECTORY"
  | "INVALID_NAME"
  | "DUPLICATE_ENTRY"
  | "DIRECTORY_LOOP"
  | "INVALID_TABLE_INDEX"
  | "INVALID_XATTR"
  | "LIMIT_EXCEEDED"
  | "READ_FAILED";

/**
 * Raised for a SIF container that is malformed or uses a feature the reader
 * does not support. `offset` is the byte offset in the SIF file of the field
 * that is wrong, when one field is to blame.
 */
export class SifError extends Error {
  override readonly name = "SifError";

  constructor(
    readonly code: SifErrorCode,
    message: string,
    readonly offset?: number,
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(formatMessage(message, file, offset), options);
  }
}

/**
 * Raised for a squashfs filesystem that is malformed, exceeds a limit or uses
 * an unsupported compressor. `offset` is the byte offset, relative to the start
 * of the squashfs filesystem, of the structure that is wrong.
 */
export class SquashfsError extends Error {
  override readonly name = "SquashfsError";

  constructor(
    readonly code: SquashfsErrorCode,
    message: string,
    readonly offset?: number,
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(formatMessage(message, file, offset), options);
  }
}

function formatMessage(message: string, file: string | undefined, offset: number | undefined): string {
  const where = [file, offset === undefined ? undefined : `offset ${offset}`].filter((part) => part !== undefined);
  return where.length === 0 ? message : `${where.join(", ")}: ${message}`;
}
