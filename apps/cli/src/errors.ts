/** Exit codes of every command, as documented in `checks run --help` and the README. */
export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  scanError: 3,
  internal: 4,
} as const;

/**
 * An error the user can fix: bad flags, a bad config file, a missing image.
 * The CLI prints its message without a stack and exits with `exitCode`.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "UserError";
  }
}
