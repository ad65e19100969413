import { createRequire } from "node:module";
import { Command, CommanderError } from "commander";
import { commands } from "./commands/index.js";
import { EXIT, UserError } from "./errors.js";

const require = createRequire(import.meta.url);
const { version } = require("../package.json") as { version: string };

export const ISSUES_URL = "the checks issue tracker";

/** Builds the `checks` program with every command registered. */
export function createProgram(): Command {
  const program = new Command("checks")
    .description("Find security problems in container and Singularity images with sandboxed, community-written checks.")
    .version(version, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    return handleError(error);
  }
}

function handleError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version output exit with code 0; everything else is a usage error.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UserError) {
    process.stderr.write(`checks: ${error.message}\n`);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(
    `checks: internal error. This is a bug in checks, not in your image or plugins.\n` +
      `${detail}\n\nchecks ${version}, Node ${process.version}, ${process.platform}-${process.arch}\n` +
      `Please report it with the output above to ${ISSUES_URL}.\n`,
  );
  return EXIT.internal;
}
