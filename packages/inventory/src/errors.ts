export type InventoryErrorCode =
  /** A package database or manifest is malformed. */
  | "INVALID_DATABASE"
  /** A package database declares more than a parser limit allows. */
  | "LIMIT_EXCEEDED";

/** Error of one package database; `collectInventory` turns it into a note and goes on. */
export class InventoryError extends Error {
  constructor(
    readonly code: InventoryErrorCode,
    /** Path of the database or manifest inside the image. */
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
    this.name = "InventoryError";
  }
}
