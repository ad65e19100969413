/**
 * Finds risky commands in build steps: Docker history entries, Singularity
 * definition files and runscripts.
 */

export type CommandProblem = "sudo" | "loneUpdate" | "distUpgrade" | "pipeToShell" | "remoteAdd" | "apkWithoutNoCache";

/** Maximum length of a command excerpt kept as evidence, in characters. */
const MAX_EXCERPT = 160;

/** A command position: the start, or after a shell operator or an opening subshell. */
const AT_COMMAND = String.raw`(?:^|&&|\|\||[;|(\x60]|\$\()\s*`;

const SUDO = new RegExp(`${AT_COMMAND}sudo\\s`, "m");
const UPDATE = new RegExp(`${AT_COMMAND}(?:apt-get|apt|apk)\\s+(?:-\\S+\\s+)*update\\b`, "m");
const INSTALL = /\b(?:apt-get|apt|aptitude)\s+(?:-\S+\s+)*(?:install|upgrade|dist-upgrade|full-upgrade|build-dep)\b|\bapk\s+(?:-\S+\s+)*(?:add|upgrade)\b/;
const DIST_UPGRADE = /\b(?:apt-get|apt)\s+(?:-\S+\s+)*(?:dist-upgrade|full-upgrade)\b/;
const DOWNLOADER = /\b(?:curl|wget)\b/;
const SHELL_COMMAND = /^\s*(?:sudo\s+(?:-\S+\s+)*)?(?:\/\S*\/)?(?:ba|z|da|k|a)?sh\b/;
const SHELL_OF_DOWNLOAD = /\b(?:ba|z|da|k)?sh\s+(?:-c\s+)?["']?(?:\$\(|<\()\s*(?:curl|wget)\b/;

/**
 * Returns true when curl or wget output is piped into a shell, or a shell runs
 * `$(curl ...)` or `<(curl ...)`. The script is split at shell operators first, so
 * the cost stays linear in its length.
 */
function pipesDownloadToShell(script: string): boolean {
  if (SHELL_OF_DOWNLOAD.test(script)) return true;
  const parts = script.split(/(\|\||\||&&|;|\n)/);
  for (let i = 0; i + 2 < parts.length; i += 2) {
    if (parts[i + 1] === "|" && DOWNLOADER.test(parts[i]!) && SHELL_COMMAND.test(parts[i + 2]!)) return true;
  }
  return false;
}
const APK_ADD = /\bapk\s+(?:-\S+\s+)*add\b/;
const APK_CLEAN = /--no-cache\b|rm\s+-[rf]+\s+\/var\/cache\/apk|apk\s+cache\s+clean/;

/** Masks passwords in URLs and values of secret-named assignments, then shortens the command for evidence. */
export function commandExcerpt(command: string): string {
  // Only the start is kept, so masking a bounded window keeps the cost linear on huge commands.
  const masked = command
    .slice(0, MAX_EXCERPT * 4)
    .replace(/(:\/\/[^\s:/@]+:)[^\s@/]+@/g, "$1****@")
    .replace(/\b([A-Za-z_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|KEY)[A-Za-z_]*=)\S+/gi, "$1****")
    .replace(/\s+/g, " ")
    .trim();
  return masked.length > MAX_EXCERPT ? masked.slice(0, MAX_EXCERPT - 3) + "..." : masked;
}

/** Splits a Docker history `created_by` into its instruction (RUN, ADD, ...) and arguments. */
export function parseHistoryEntry(createdBy: string): { instruction: string; argument: string } {
  let text = createdBy.trim().replace(/\s*# buildkit$/, "");
  // Build arguments in effect appear first, as "|2 NAME=value NAME=value".
  text = text.replace(/^\|\d+\s+(?:\S+=\S*\s+)*/, "");
  const nop = /^\/bin\/sh -c #\(nop\)\s*(.*)$/s.exec(text);
  if (nop) text = nop[1]!.trim();
  else if (/^\/bin\/(?:ba)?sh -c /.test(text)) return { instruction: "RUN", argument: text.replace(/^\/bin\/(?:ba)?sh -c /, "") };

  const instruction = /^([A-Z]+)\s+(.*)$/s.exec(text);
  if (!instruction) return { instruction: "RUN", argument: text };
  const argument = instruction[1] === "RUN" ? instruction[2]!.replace(/^\/bin\/(?:ba)?sh -c /, "") : instruction[2]!;
  return { instruction: instruction[1]!, argument };
}

/** Finds the problems of one shell command or script. `dockerStep` adds the checks that matter only for cached Dockerfile steps. */
export function findShellProblems(script: string, dockerStep: boolean): CommandProblem[] {
  const problems: CommandProblem[] = [];
  if (SUDO.test(script)) problems.push("sudo");
  if (DIST_UPGRADE.test(script)) problems.push("distUpgrade");
  if (pipesDownloadToShell(script)) problems.push("pipeToShell");
  if (dockerStep && UPDATE.test(script) && !INSTALL.test(script)) problems.push("loneUpdate");
  if (dockerStep && APK_ADD.test(script) && !APK_CLEAN.test(script)) problems.push("apkWithoutNoCache");
  return problems;
}

/** Finds the problems of one Docker history entry. */
export function findHistoryProblems(createdBy: string): CommandProblem[] {
  const { instruction, argument } = parseHistoryEntry(createdBy);
  if (instruction === "RUN") return findShellProblems(argument, true);
  if (instruction === "ADD" && /(?:^|\s)(?:https?|ftp):\/\/|(?:^|\s)git@/.test(argument)) return ["remoteAdd"];
  return [];
}
