import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, resolve, dirname } from "node:path";
import type { Command} from "commander";
import { Option } from "commander";
import type { Level, Severity } from "@checks/sdk";
import { SEVERITIES } from "@checks/sdk";
import { SelectionError, scan } from "@checks/engine";
import type { PluginSource } from "@checks/engine";
import { listInstalledPlugins, loadPluginDir, pluginStore } from "@checks/marketplace";
import { IgnoreFileError, REPORT_FORMATS, applySuppressions, exitCodeFor, formatReport, loadIgnoreFile } from "@checks/report";
import type { IgnoreRules, ReportFormat, ScanReport } from "@checks/report";
import { loadConfig } from "../config.js";
import { EXIT, UserError } from "../errors.js";
import { resolveDirs } from "../home.js";
import { Progress } from "../progress.js";
import { toolVersion, useColor } from "../terminal.js";

/** Ignore file read from the working folder when neither `--ignore-file` nor the config names one. */
export const DEFAULT_IGNORE_FILE = ".checks-ignore.yaml";

const EXIT_CODE_HELP = `
Exit codes:
  0  no unsuppressed finding at or above --fail-on
  1  unsuppressed findings at or above --fail-on
  2  usage or configuration error (bad flag, config or ignore file)
  3  scan error: an image could not be read, or a plugin or check failed
     (3 wins over 1, because the findings of an incomplete scan may not be all)
  4  internal error in checks itself

--severity only filters what is displayed; it never changes the exit code.

Examples:
  checks run ./image.oci                        every installed check
  checks run --high --tag "security+docker" app.tar
  checks run --tag "security|clean" --format sarif --output checks.sarif image.sif
`;

interface RunFlags {
  plugins?: string;
  check?: string[];
  skipCheck?: string[];
  tag?: string;
  low?: boolean;
  med?: boolean;
  high?: boolean;
  pluginDir?: string[];
  format?: string;
  output?: string;
  force?: boolean;
  severity?: string;
  failOn?: string;
  ignoreFile?: string;
  showSuppressed?: boolean;
  platform?: string;
  concurrency?: string;
  config?: string;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
  networkIsolation?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(",").map((item) => item.trim()).filter(Boolean)];

export function register(program: Command): void {
  program
    .command("run")
    .description("Scan images with the installed checks, each plugin in a sandbox, and print a report.")
    .argument("<images...>", "images: OCI layouts, docker save archives, tar files, root filesystem folders or SIF files")
    .option("--plugins <names>", "comma-separated plugin names to run (default: all installed)")
    .option("--check <id>", "run only this check (`check` or `plugin/check`); repeatable", collect)
    .option("--skip-check <id>", "leave out this check; repeatable", collect)
    .option("--tag <expression>", 'tag expression: "a+b" needs both tags, "a|b" either')
    .option("--low", "run low, medium and high level checks (the default)")
    .option("--med", "run medium and high level checks")
    .option("--high", "run high level checks only")
    .option("--plugin-dir <path>", "also load the plugin in this folder (for plugin development); repeatable", collect)
    .addOption(new Option("--format <format>", "report format").choices([...REPORT_FORMATS]))
    .option("-o, --output <file>", "write the report to this file instead of standard output")
    .option("--force", "overwrite the --output file if it exists")
    .option("--severity <list>", `comma-separated severities to display (${SEVERITIES.join(", ")}); does not change the exit code`)
    .addOption(new Option("--fail-on <severity>", "exit with 1 when an unsuppressed finding is at or above this severity (default: high)").choices([...SEVERITIES]))
    .option("--ignore-file <file>", `YAML ignore file (default: ${DEFAULT_IGNORE_FILE} in the working folder, if present)`)
    .option("--show-suppressed", "list suppressed findings in table, Markdown and HTML output")
    .option("--platform <os/arch[/variant]>", "platform to pick from a multi-platform image (default: the host's)")
    .option("--concurrency <n>", "images scanned at the same time (default: 2)")
    .option("-c, --config <file>", "config file (default: checks.config.json or .yaml in the working folder)")
    .option("-q, --quiet", "no progress display")
    .option("-v, --verbose", "print the selection, the sandbox state and notes to standard error")
    .option("--no-color", "no colors (NO_COLOR in the environment does the same)")
    .option("--no-network-isolation", "start the sandbox runner without a network namespace")
    .addHelpText("after", EXIT_CODE_HELP)
    .action(async (images: string[], flags: RunFlags) => {
      process.exitCode = await runCommand(images, flags);
    });
}

async function runCommand(images: string[], flags: RunFlags): Promise<number> {
  const cwd = process.cwd();
  const { config, source: configFile } = await loadConfig(cwd, flags.config);
  const configDir = configFile ? dirname(configFile) : cwd;

  const format = (flags.format ?? config.format ?? "table") as ReportFormat;
  const failOn = (flags.failOn ?? config.failOn ?? "high") as Severity;
  const severityFilter = flags.severity ? parseSeverities(flags.severity) : config.severity;
  const minLevel = levelFrom(flags) ?? config.level ?? "low";
  const concurrency = flags.concurrency !== undefined ? parsePositive(flags.concurrency, "--concurrency") : (config.concurrency ?? 2);
  const output = flags.output ? resolve(cwd, flags.output) : undefined;
  if (output && existsSync(output) && !flags.force) {
    throw new UserError(`${output} exists; pass --force to overwrite it, or choose another --output file.`);
  }
  if (output && !existsSync(dirname(output))) {
    throw new UserError(`Cannot write the report to ${output}: the folder ${dirname(output)} does not exist.`);
  }
  const missing = images.filter((image) => !existsSync(resolve(cwd, image)));
  const verbose = (text: string) => flags.verbose && process.stderr.write(`${text}\n`);

  const dirs = resolveDirs();
  const plugins = await discoverPlugins(dirs.data, [
    ...(config.pluginDirs ?? []).map((dir) => resolve(configDir, dir)),
    ...(flags.pluginDir ?? []).map((dir) => resolve(cwd, dir)),
  ]);
  for (const problem of plugins.problems) process.stderr.write(`checks: plugin ${problem.name} was not loaded: ${problem.message}\n`);
  if (plugins.sources.length === 0) {
    throw new UserError(
      `No plugins are installed in ${dirs.data}. Install a signed set with "checks plugins install --set NAME", one plugin with "checks plugins install NAME", or load a folder with --plugin-dir.`,
    );
  }

  const ignoreFile = flags.ignoreFile ? resolve(cwd, flags.ignoreFile) : config.ignoreFile ? resolve(configDir, config.ignoreFile) : join(cwd, DEFAULT_IGNORE_FILE);
  const ignoreRules = flags.ignoreFile || config.ignoreFile || existsSync(ignoreFile) ? await readIgnoreFile(ignoreFile) : undefined;

  verbose(`checks ${toolVersion()}: config ${configFile ?? "none"}, ignore file ${ignoreRules ? ignoreFile : "none"}`);
  verbose(`plugins: ${plugins.sources.map((p) => `${p.name}@${p.version} (${p.source})`).join(", ")}`);
  verbose(`defaults: level ${minLevel}, fail on ${failOn}, format ${format}, concurrency ${concurrency}`);

  const progress = new Progress(!flags.quiet && process.stderr.isTTY === true && !output?.startsWith("/dev/std"));
  let report: ScanReport;
  try {
    report = await scan({
      images: images.map((image) => (missing.includes(image) ? image : resolve(cwd, image))),
      plugins: plugins.sources,
      selection: {
        plugins: flags.plugins ? collect(flags.plugins) : config.plugins,
        checks: flags.check ?? config.checks,
        skipChecks: flags.skipCheck ?? config.skipChecks,
        tags: flags.tag ?? config.tags,
        minLevel,
      },
      options: config.options,
      platform: flags.platform ?? config.platform,
      concurrency,
      limits: config.limits,
      advisoryDatabase: join(dirs.data, "advisories.sqlite"),
      failOn,
      severityFilter,
      toolVersion: toolVersion(),
      isolateNetwork: flags.networkIsolation !== false,
      onEvent: (event) => {
        progress.update(event);
        if (event.type === "selection" && event.selection.selected.length === 0) {
          throw new SelectionError("UNKNOWN_CHECK", "No installed check matches the selection (plugins, checks, tags and level); run with --verbose to see why each check was left out.");
        }
        if (event.type === "selection") {
          verbose(`selected ${event.selection.selected.length} checks: ${event.selection.selected.map(({ plugin, check }) => `${plugin.name}/${check.id}`).join(", ")}`);
          for (const skipped of event.selection.skipped) verbose(`  skipped ${skipped.id}: ${skipped.reason}`);
        }
      },
    });
  } catch (error) {
    if (error instanceof SelectionError) throw new UserError(error.message, EXIT.usage, { cause: error });
    throw error;
  } finally {
    progress.stop();
  }

  verbose(`sandbox: network isolation ${report.sandbox.networkIsolated ? "active" : "not active"}, permission model ${report.sandbox.permissionModel ? "active" : "not active"}`);
  for (const image of report.images) for (const note of image.notes) verbose(`${image.name}: ${note}`);

  if (ignoreRules) {
    const suppressed = applySuppressions(report, ignoreRules, new Date());
    report = suppressed.report;
    for (const rule of report.ignoreFile?.expired ?? []) {
      process.stderr.write(`checks: ignore rule rules[${rule.rule}] in ${rule.source} expired on ${rule.expires} and no longer applies (${rule.reason}).\n`);
    }
  }

  const text = formatReport(report, format, { severityFilter, color: format === "table" && !output && useColor(flags.color), showSuppressed: flags.showSuppressed });
  if (output) await writeFile(output, text, { flag: flags.force ? "w" : "wx" });
  else process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);

  const code = exitCodeFor(report, failOn);
  return plugins.problems.length > 0 && code === EXIT.ok ? EXIT.scanError : code;
}

async function discoverPlugins(dataDir: string, pluginDirs: string[]): Promise<{ sources: PluginSource[]; problems: { name: string; message: string }[] }> {
  const installed = await listInstalledPlugins(pluginStore(dataDir));
  const sources: PluginSource[] = installed.plugins.map(toSource);
  const problems = [...installed.problems];
  for (const dir of pluginDirs) {
    try {
      const plugin = toSource(await loadPluginDir(dir));
      const index = sources.findIndex((source) => source.name === plugin.name);
      // A --plugin-dir plugin replaces the installed one of the same name, which is what plugin development needs.
      if (index >= 0) sources.splice(index, 1, plugin);
      else sources.push(plugin);
    } catch (error) {
      // The user named this folder, so a plugin that does not load is a usage error, not a scan error.
      throw new UserError(`The plugin in ${dir} (--plugin-dir) was not loaded:\n${(error as Error).message}`, EXIT.usage, { cause: error });
    }
  }
  return { sources, problems };
}

function toSource(plugin: { name: string; version: string; bundleFile: string; manifest: PluginSource["manifest"]; source: "store" | "dir" }): PluginSource {
  return { name: plugin.name, version: plugin.version, bundleFile: plugin.bundleFile, manifest: plugin.manifest, source: plugin.source };
}

async function readIgnoreFile(file: string): Promise<IgnoreRules> {
  try {
    return await loadIgnoreFile(file);
  } catch (error) {
    if (error instanceof IgnoreFileError) throw new UserError(error.message, EXIT.usage, { cause: error });
    throw error;
  }
}

function levelFrom(flags: RunFlags): Level | undefined {
  const requested = [flags.low && "low", flags.med && "medium", flags.high && "high"].filter(Boolean) as Level[];
  if (requested.length > 1) {
    throw new UserError(`Give one of --low, --med and --high, not ${requested.map((level) => `--${level === "medium" ? "med" : level}`).join(" and ")}.`);
  }
  return requested[0];
}

function parseSeverities(list: string): Severity[] {
  const values = collect(list);
  const invalid = values.filter((value) => !SEVERITIES.includes(value as Severity));
  if (invalid.length > 0) throw new UserError(`--severity: unknown severity ${invalid.map((v) => `"${v}"`).join(", ")}; allowed: ${SEVERITIES.join(", ")}.`);
  return values as Severity[];
}

function parsePositive(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UserError(`${flag}: expected a whole number of at least 1, received "${value}".`);
  return number;
}

