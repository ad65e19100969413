/** One problem in an ignore file: where it is and what to change. */
export interface IgnoreProblem {
  /** Location in the file, such as `rules[2].path` or `line 4, column 3`. */
  path: string;
  message: string;
}

export type IgnoreFileErrorCode = "IGNORE_FILE_READ_FAILED" | "IGNORE_FILE_TOO_LARGE" | "IGNORE_FILE_SYNTAX" | "IGNORE_FILE_INVALID";

/** An ignore file that could not be read or is not valid; `problems` lists every problem found. */
export class IgnoreFileError extends Error {
  constructor(
    readonly code: IgnoreFileErrorCode,
    readonly source: string,
    readonly problems: readonly IgnoreProblem[],
    options?: { cause?: unknown },
  ) {
    super(formatIgnoreProblems(source, problems), options);
    this.name = "IgnoreFileError";
  }
}

function formatIgnoreProblems(source: string, problems: readonly IgnoreProblem[]): string {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  const lines = problems.map((problem) => `  ${problem.path}: ${problem.message}`);
  return [`Ignore file ${source} has ${count}:`, ...lines].join("\n");
}

/** A format name that `formatReport` does not know. */
export class UnknownFormatError extends Error {
  readonly code = "UNKNOWN_FORMAT";
  constructor(
    readonly format: string,
    known: readonly string[],
  ) {
    super(`Unknown report format ${JSON.stringify(format)}; use one of ${known.join(", ")}.`);
    this.name = "UnknownFormatError";
  }
}
