export type VulnDbErrorCode =
  /** The database file could not be opened or is not a SQLite database. */
  | "DB_OPEN_FAILED"
  /** The database file does not exist and was opened read-only. */
  | "DB_NOT_FOUND"
  /** The database was written by a newer version of this package. */
  | "DB_SCHEMA_TOO_NEW"
  /** The import source does not exist. */
  | "SOURCE_NOT_FOUND"
  /** The import source is neither a folder, a zip archive nor a JSON file. */
  | "SOURCE_UNSUPPORTED"
  /** The zip archive is damaged or exceeds the entry limit. */
  | "ARCHIVE_INVALID";

/** Error of the advisory database with a stable `code`; the message names the file and what is wrong. */
export class VulnDbError extends Error {
  constructor(
    readonly code: VulnDbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "VulnDbError";
  }
}
