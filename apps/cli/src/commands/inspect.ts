import type { Command } from "commander";
import { ImageError, inspectImage, type ImageInspection } from "@checks/image";
import { EXIT, UserError } from "../errors.js";

interface InspectFlags {
  json?: boolean;
  platform?: string;
}

export function register(program: Command): void {
  program
    .command("inspect")
    .description("Show an image's format, platform, layers (digest, size, entries, compression) and config summary, without running checks.")
    .argument("<image>", "image: a root filesystem folder, a tar (plain, gzip, zstd), a docker save archive, an OCI layout (folder or tar) or a SIF file; PATH:TAG selects one image")
    .option("--json", "print the inspection as JSON")
    .option("--platform <os/arch[/variant]>", "platform to inspect in a multi-platform image (default: the host's)")
    .action(async (ref: string, flags: InspectFlags) => {
      const inspection = await inspect(ref, flags.platform);
      process.stdout.write(flags.json ? `${JSON.stringify(inspection, null, 2)}\n` : renderInspection(inspection));
    });
}

async function inspect(ref: string, platform: string | undefined): Promise<ImageInspection> {
  try {
    return await inspectImage(ref, platform ? { platform } : {});
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    const usage = error.code === "NOT_FOUND" || error.code === "PLATFORM_NOT_FOUND" || error.code === "REFERENCE_NOT_FOUND" || error.code === "AMBIGUOUS_IMAGE" || error.code === "INVALID_OPTIONS";
    throw new UserError(`Cannot inspect image ${ref}: ${error.message}`, usage ? EXIT.usage : EXIT.scanError, { cause: error });
  }
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return "-";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => "  " + row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  ").trimEnd()).join("\n") + "\n";
}

function oneLine(text: string | undefined, max = 60): string {
  if (!text) return "-";
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? flat.slice(0, max - 1) + "…" : flat;
}

/** The human form of `checks inspect`: a header, the layers table and the config summary. */
export function renderInspection(inspection: ImageInspection): string {
  const fields: [string, string][] = [
    ["Image", inspection.name],
    ["Format", inspection.format],
    ["Digest", inspection.digest ?? "-"],
    ["Platform", inspection.platform ?? "-"],
    ["Files", String(inspection.files)],
  ];
  let out = table(fields.map(([k, v]) => [k, v])).replace(/^ {2}/gm, "");

  if (inspection.layers.length > 0) {
    out += `\nLayers (${inspection.layers.length})\n`;
    const rows = [["#", "DIGEST", "COMPRESSION", "SIZE", "UNPACKED", "ENTRIES", "CREATED BY"]];
    for (const layer of inspection.layers) {
      rows.push([
        String(layer.index),
        layer.digest ? layer.digest.slice(0, 19) : "-",
        layer.compression,
        formatBytes(layer.size),
        formatBytes(layer.uncompressedSize),
        String(layer.entries),
        oneLine(layer.createdBy),
      ]);
    }
    out += table(rows);
  }

  const config = inspection.config;
  if (config) {
    const list = (items: readonly string[] | undefined) => (items && items.length > 0 ? items.join(", ") : "-");
    const rows: [string, string][] = [
      ["User", config.user ?? "(not set: runs as root)"],
      ["Entrypoint", list(config.entrypoint)],
      ["Cmd", list(config.cmd)],
      ["Workdir", config.workdir ?? "-"],
      ["Env", config.envNames.length > 0 ? `${config.envNames.join(", ")} (values not shown)` : "-"],
      ["Ports", list(config.exposedPorts)],
      ["Volumes", list(config.volumes)],
      ["Labels", Object.keys(config.labels).length > 0 ? Object.entries(config.labels).map(([k, v]) => `${k}=${oneLine(v, 40)}`).join(", ") : "-"],
      ["History", `${config.historyEntries} entries`],
      ["Healthcheck", config.healthcheck?.test ? config.healthcheck.test.join(" ") : "-"],
    ];
    out += `\nConfig\n${table(rows.map(([k, v]) => [k, v]))}`;
  }

  const sif = inspection.sif as { header?: { version?: string; architecture?: string; uuid?: string }; objects?: { id: number; typeName: string; name: string; size: number }[]; signed?: boolean } | undefined;
  if (sif) {
    out += `\nSIF\n${table([
      ["Version", sif.header?.version ?? "-"],
      ["Architecture", sif.header?.architecture ?? "-"],
      ["UUID", sif.header?.uuid ?? "-"],
      ["Signed", sif.signed ? "yes (not verified)" : "no"],
    ])}`;
    if (sif.objects && sif.objects.length > 0) {
      out += table([["ID", "TYPE", "NAME", "SIZE"], ...sif.objects.map((o) => [String(o.id), o.typeName, o.name || "-", formatBytes(o.size)])]);
    }
  }

  if (inspection.notes.length > 0) out += `\nNotes\n${inspection.notes.map((note) => `  ${note}`).join("\n")}\n`;
  return out;
}
