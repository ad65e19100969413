import type { ImageData, PackageRecord } from "@checks/sdk";

export interface CycloneDxOptions {
  specVersion: "1.5" | "1.6";
  /** Version of the tool that wrote the document, recorded in `metadata.tools`. */
  toolVersion: string;
  /** `urn:uuid:...`; a random one when omitted. */
  serialNumber?: string;
  /** RFC 3339 time; the current time when omitted. */
  timestamp?: string;
}

interface Property {
  name: string;
  value: string;
}

interface Component {
  type: "library" | "operating-system" | "container";
  "bom-ref": string;
  name: string;
  group?: string;
  version?: string;
  description?: string;
  purl?: string;
  licenses?: { license: { name: string } }[];
  properties?: Property[];
}

/** Property names this package adds to components, in the `checks:` namespace. */
export const CYCLONEDX_PROPERTIES = Object.freeze({
  ecosystem: "checks:package:ecosystem",
  source: "checks:package:source",
  layer: "checks:package:layer",
  sourceName: "checks:package:sourceName",
  sourceVersion: "checks:package:sourceVersion",
  architecture: "checks:package:architecture",
});

/**
 * Writes a CycloneDX JSON document (specification 1.5 or 1.6) for an image and
 * its packages: the image as `metadata.component`, its operating system and
 * one `library` component per package with its purl, licenses and where it was
 * found. A purl listed twice (the same npm package in two folders) gets its
 * source path appended to the `bom-ref`, which must be unique.
 */
export function toCycloneDx(image: ImageData, packages: readonly PackageRecord[], options: CycloneDxOptions): object {
  const components: Component[] = [];
  const osRelease = image.osRelease;
  if (osRelease?.id) {
    const system: Component = { type: "operating-system", "bom-ref": `os:${osRelease.id}`, name: osRelease.id };
    if (osRelease.versionId) system.version = osRelease.versionId;
    if (osRelease.prettyName) system.description = osRelease.prettyName;
    components.push(system);
  }

  const purlCounts = new Map<string, number>();
  for (const record of packages) purlCounts.set(record.purl, (purlCounts.get(record.purl) ?? 0) + 1);
  const usedRefs = new Set<string>();
  for (const record of packages) {
    let ref = (purlCounts.get(record.purl) ?? 0) > 1 ? `${record.purl}#${record.source}` : record.purl;
    for (let suffix = 2; usedRefs.has(ref); suffix++) ref = `${record.purl}#${record.source}#${suffix}`;
    usedRefs.add(ref);
    components.push(packageComponent(record, ref));
  }

  const container: Component = { type: "container", "bom-ref": "image", name: image.info.name };
  if (image.info.digest) container.version = image.info.digest;
  container.properties = [{ name: "checks:image:format", value: image.info.format }];
  if (image.info.platform) container.properties.push({ name: "checks:image:platform", value: image.info.platform });

  return {
    $schema: `http://cyclonedx.org/schema/bom-${options.specVersion}.schema.json`,
    bomFormat: "CycloneDX",
    specVersion: options.specVersion,
    serialNumber: options.serialNumber ?? `urn:uuid:${globalThis.crypto.randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: options.timestamp ?? new Date().toISOString(),
      tools: { components: [{ type: "application", name: "checks", version: options.toolVersion }] },
      component: container,
    },
    components,
  };
}

function packageComponent(record: PackageRecord, ref: string): Component {
  const scoped = record.ecosystem === "npm" ? /^(@[^/]+)\/(.+)$/.exec(record.name) : null;
  const component: Component = { type: "library", "bom-ref": ref, name: scoped ? scoped[2]! : record.name, version: record.version, purl: record.purl };
  if (scoped) component.group = scoped[1]!;
  if (record.licenses && record.licenses.length > 0) component.licenses = record.licenses.map((name) => ({ license: { name } }));

  const properties: Property[] = [
    { name: CYCLONEDX_PROPERTIES.ecosystem, value: record.ecosystem },
    { name: CYCLONEDX_PROPERTIES.source, value: record.source },
  ];
  if (record.layer !== undefined) properties.push({ name: CYCLONEDX_PROPERTIES.layer, value: String(record.layer) });
  if (record.architecture) properties.push({ name: CYCLONEDX_PROPERTIES.architecture, value: record.architecture });
  if (record.sourceName) properties.push({ name: CYCLONEDX_PROPERTIES.sourceName, value: record.sourceName });
  if (record.sourceVersion) properties.push({ name: CYCLONEDX_PROPERTIES.sourceVersion, value: record.sourceVersion });
  component.properties = properties;
  return component;
}
