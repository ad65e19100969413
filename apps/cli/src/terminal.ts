import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export function toolVersion(): string {
  return (require("../package.json") as { version: string }).version;
}

/**
 * Decides whether to color terminal output: never with `--no-color` or a
 * non-empty NO_COLOR (no-color.org), else only when standard output is a terminal.
 */
export function useColor(flag: boolean | undefined, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (flag === false) return false;
  if (process.env.NO_COLOR) return false;
  return stream.isTTY === true;
}
