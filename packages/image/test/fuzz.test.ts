/**
 * Property tests: 115,000 generated inputs to the tar reader (and the merge
 * that consumes it), the zstd decoder and frame scanner, the manifest and
 * layout readers and the config normalizer. Every input either parses or fails with
 * an ImageError; anything else (a TypeError, a RangeError, a hang) fails the
 * test with the seed and the case number to replay it.
 */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Blob, Container } from "../src/container.js";
import { normalizeMember } from "../src/container.js";
import { normalizeConfig } from "../src/config.js";
import { ZstdFrameScanner, ZstdStream } from "../src/compression.js";
import { DEFAULT_LIMITS, ImageError, type ImageLimits } from "../src/index.js";
import { Merger } from "../src/merge.js";
import { openDockerArchive, openOciLayout } from "../src/open.js";
import { TarParser } from "../src/tar.js";
import { configBlob, descriptorOf, imageManifest, json, LAYER_TAR, OCI_INDEX, sha256 } from "./helpers/layout.js";
import { blob as makeBlob } from "./helpers/layout.js";
import { bytes, concat, header, paxData, tar, withChecksum, zstdStore } from "./helpers/tar.js";

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);

/** xorshift32: small, fast, reproducible. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const LIMITS: ImageLimits = { ...DEFAULT_LIMITS, maxHeaderBytes: 64 * 1024, maxPathDepth: 64, maxFileBytes: 1 << 20, maxJsonBytes: 64 * 1024 };

function seedTars(): Uint8Array[] {
  const mapText = "2\n0\n3\n600\n2\n";
  const sparse10 = concat([bytes(mapText), new Uint8Array(512 - mapText.length), bytes("abcde")]);
  const oldSparse = header({ name: "s", typeflag: "S", size: 5, magic: "gnu" });
  oldSparse.set(bytes("00000000000\0"), 386);
  oldSparse.set(bytes("00000000005\0"), 398);
  oldSparse.set(bytes("00000000012\0"), 483);
  withChecksum(oldSparse);
  return [
    tar([
      { name: "etc/", type: "dir" },
      { name: "etc/passwd", content: "root:x:0:0::/root:/bin/sh\n" },
      { name: "etc/.wh.shadow" },
      { name: "bin", type: "symlink", linkname: "usr/bin" },
      { name: "usr/bin/a", content: "A", mode: 0o4755 },
      { name: "usr/bin/b", type: "hardlink", linkname: "usr/bin/a" },
      { name: "dev/null", type: "char", devmajor: 1, devminor: 3 },
    ]),
    tar([
      { name: "x", content: "pax", pax: { path: "p/" + "q".repeat(120), "SCHILY.xattr.security.capability": new Uint8Array([1, 0, 0, 2]), mtime: "1.5" } },
      { name: "l".repeat(130), content: "gnu", gnuLong: true },
      { name: "d/.wh..wh..opq" },
    ]),
    tar([{ name: "GNUSparseFile/s", content: sparse10, pax: { "GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": "sp", "GNU.sparse.realsize": "602" } }]),
    tar([{ name: "m", content: "abcde", pax: { "GNU.sparse.size": "9", "GNU.sparse.map": "0,2,6,3" } }]),
    concat([oldSparse, bytes("abcde"), new Uint8Array(507 + 1024)]),
    concat([header({ name: "g", typeflag: "g", size: 12 }), paxData({ uid: "7" }), new Uint8Array(500), tar([{ name: "z", content: "1" }])]),
  ];
}

function mutate(input: Uint8Array, random: () => number): Uint8Array {
  const out = Uint8Array.from(input);
  const kind = Math.floor(random() * 7);
  const pick = () => Math.floor(random() * out.length);
  switch (kind) {
    case 0: // flip a few bits
      for (let i = 0, n = 1 + Math.floor(random() * 8); i < n; i++) out[pick()]! ^= 1 << Math.floor(random() * 8);
      return out;
    case 1: // truncate
      return out.subarray(0, pick());
    case 2: {
      // overwrite a numeric header field with digits, spaces or base-256 bytes, and fix the checksum
      const block = Math.floor(pick() / 512) * 512;
      const fields = [100, 108, 116, 124, 136, 329, 337, 386, 483];
      const at = block + fields[Math.floor(random() * fields.length)]!;
      for (let i = 0; i < 8 && at + i < out.length; i++) out[at + i] = [0x30 + Math.floor(random() * 10), 0x20, 0, 0x80, 0xff, 0x37][Math.floor(random() * 6)]!;
      if (block + 512 <= out.length) withChecksum(out.subarray(block, block + 512));
      return out;
    }
    case 3: {
      // change a type flag and fix the checksum
      const block = Math.floor(pick() / 512) * 512;
      if (block + 512 <= out.length) {
        out[block + 156] = "0123456789xgLKSDVMNZ\0".charCodeAt(Math.floor(random() * 21));
        withChecksum(out.subarray(block, block + 512));
      }
      return out;
    }
    case 4: {
      // random bytes into a PAX or name region, checksum fixed
      const block = Math.floor(pick() / 512) * 512;
      for (let i = 0; i < 16; i++) out[Math.min(out.length - 1, block + Math.floor(random() * 512))] = Math.floor(random() * 256);
      if (block + 512 <= out.length && random() < 0.7) withChecksum(out.subarray(block, block + 512));
      return out;
    }
    case 5: // duplicate a slice (repeated headers, repeated entries)
      return concat([out.subarray(0, pick()), out.subarray(pick()), out.subarray(pick())]);
    default: // random noise
      return Uint8Array.from({ length: Math.floor(random() * 2048) }, () => Math.floor(random() * 256));
  }
}

function expectTyped(error: unknown, context: string): void {
  if (error instanceof ImageError) return;
  throw new Error(`${context}: not an ImageError: ${error instanceof Error ? error.stack : String(error)}`);
}

describe("property: tar reader and merge", () => {
  it("parses or fails with an ImageError on 70,000 mutated archives", () => {
    const random = rng(SEED);
    const seeds = seedTars();
    let parsed = 0;
    for (let i = 0; i < 70_000; i++) {
      let input = seeds[i % seeds.length]!;
      for (let rounds = 1 + Math.floor(random() * 3); rounds > 0; rounds--) input = mutate(input, random);
      const merger = new Merger({ rawLayers: i % 2 === 0, notes: [] });
      merger.beginLayer(0);
      let last: ReturnType<Merger["add"]> | undefined;
      const parser = new TarParser(
        {
          onEntry: (entry) => ((last = merger.add(entry)), 64),
          onContent: (_entry, content) => {
            last!.content = content;
          },
        },
        LIMITS,
      );
      try {
        const chunk = 1 + Math.floor(random() * 1500);
        for (let at = 0; at < input.length; at += chunk) parser.write(input.subarray(at, at + chunk));
        parser.end();
        merger.endLayer();
        const { files } = merger.finish();
        // Invariants of the merged view: the root first, every parent a folder, no marker visible.
        expect(files[0]!.path).toBe("/");
        const types = new Map(files.map((f) => [f.path, f.type]));
        for (const f of files) {
          if (f.path === "/") continue;
          const parent = f.path.slice(0, f.path.lastIndexOf("/")) || "/";
          if (types.get(parent) !== "directory") throw new Error(`seed ${SEED} case ${i}: ${f.path} has no parent folder`);
          if (f.path.slice(f.path.lastIndexOf("/") + 1).startsWith(".wh.")) throw new Error(`seed ${SEED} case ${i}: marker ${f.path} is visible`);
        }
        parsed++;
      } catch (error) {
        expectTyped(error, `seed ${SEED} case ${i}`);
      }
    }
    // The mutations must leave enough valid archives for the merge to be exercised.
    expect(parsed).toBeGreaterThan(5_000);
  });
});

describe("property: zstd decoding", () => {
  it("decodes or fails with an ImageError on 5,000 mutated zstd layers", () => {
    const random = rng(SEED + 4);
    const seeds = seedTars().map((archive) => zstdStore(archive));
    for (let i = 0; i < 5_000; i++) {
      const input = mutate(seeds[i % seeds.length]!, random);
      let out = 0;
      const parser = new TarParser({ onEntry: () => 16 }, LIMITS);
      const stream = new ZstdStream(1 << 20, "fuzz", (chunk) => {
        out += chunk.length;
        if (out > 1 << 24) throw new ImageError("LIMIT_EXCEEDED", "output cap");
        parser.write(chunk);
      });
      try {
        stream.write(input);
        stream.end();
        parser.end();
      } catch (error) {
        expectTyped(error, `seed ${SEED} case ${i}`);
      }
    }
  });
});

describe("property: zstd frame scanner", () => {
  it("accepts or rejects with an ImageError 10,000 mutated frame streams", () => {
    const random = rng(SEED + 1);
    const seed = concat([zstdStore(bytes("hello world ".repeat(50))), new Uint8Array([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]), zstdStore(bytes("x"))]);
    for (let i = 0; i < 10_000; i++) {
      const input = mutate(seed, random);
      const scanner = new ZstdFrameScanner(1 << 20, "fuzz");
      try {
        scanner.scan(input);
        scanner.end();
      } catch (error) {
        expectTyped(error, `seed ${SEED} case ${i}`);
      }
    }
  });
});

class MemoryContainer implements Container {
  readonly kind = "tar" as const;
  constructor(private readonly files: Map<string, Uint8Array>) {}
  names(): string[] {
    return [...this.files.keys()];
  }
  async exists(path: string): Promise<boolean> {
    return this.files.has(normalizeMember(path));
  }
  async readFile(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const data = this.files.get(normalizeMember(path));
    if (data && data.length > maxBytes) throw new ImageError("LIMIT_EXCEEDED", "too big", { limit: "maxJsonBytes" });
    return data;
  }
  async blob(path: string, name: string, digest?: string, size?: number): Promise<Blob> {
    const data = this.files.get(normalizeMember(path));
    if (!data) throw new ImageError("MISSING_BLOB", `missing ${name}`);
    return { name, ...(digest ? { digest } : {}), ...(size !== undefined ? { size } : {}), open: () => Readable.from([Buffer.from(data)]) };
  }
}

/** Random JSON-ish values, including the wrong types in the right places. */
function randomValue(random: () => number, depth = 0): unknown {
  const r = random();
  if (depth > 3 || r < 0.2) return [null, true, -1, 1e308, "", "sha256:" + "a".repeat(64), "../../etc/passwd", "linux", 2 ** 53 + 1][Math.floor(random() * 9)];
  if (r < 0.5) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  const out: Record<string, unknown> = {};
  const keys = ["mediaType", "digest", "size", "manifests", "layers", "config", "platform", "os", "architecture", "variant", "annotations", "Config", "Layers", "RepoTags", "Env", "history", "rootfs", "diff_ids"];
  for (let i = Math.floor(random() * 4); i > 0; i--) out[keys[Math.floor(random() * keys.length)]!] = randomValue(random, depth + 1);
  return out;
}

function mutateJson(value: unknown, random: () => number): unknown {
  if (random() < 0.15) return randomValue(random);
  if (Array.isArray(value)) return value.map((item) => (random() < 0.3 ? mutateJson(item, random) : item));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = random();
      if (r < 0.1) continue;
      out[k] = r < 0.4 ? mutateJson(v, random) : v;
    }
    return out;
  }
  return value;
}

describe("property: manifest and layout readers", () => {
  it("open or fail with an ImageError on 25,000 mutated layouts and docker manifests", async () => {
    const random = rng(SEED + 2);
    const layer = makeBlob(tar([{ name: "a", content: "x" }]), LAYER_TAR);
    const cfg = configBlob({ config: { Env: ["A=b"] }, history: [{ created_by: "x" }] }, [layer.data]);
    const manifest = imageManifest([layer], cfg);
    const index = makeBlob(json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [descriptorOf(manifest, { platform: { os: "linux", architecture: "amd64" } })] }), OCI_INDEX);
    const docs: Record<string, unknown> = {
      "index.json": { schemaVersion: 2, manifests: [descriptorOf(index, { annotations: { "org.opencontainers.image.ref.name": "latest" } })] },
      [`blobs/sha256/${index.digest.slice(7)}`]: JSON.parse(Buffer.from(index.data).toString()),
      [`blobs/sha256/${manifest.digest.slice(7)}`]: JSON.parse(Buffer.from(manifest.data).toString()),
      [`blobs/sha256/${cfg.digest.slice(7)}`]: JSON.parse(Buffer.from(cfg.data).toString()),
      "manifest.json": [{ Config: `blobs/sha256/${cfg.digest.slice(7)}`, RepoTags: ["a:b"], Layers: [`blobs/sha256/${layer.digest.slice(7)}`] }],
    };
    let opened = 0;
    for (let i = 0; i < 25_000; i++) {
      const files = new Map<string, Uint8Array>([
        ["oci-layout", json({ imageLayoutVersion: "1.0.0" })],
        [`blobs/sha256/${layer.digest.slice(7)}`, layer.data],
      ]);
      for (const [path, doc] of Object.entries(docs)) {
        const mutated = random() < 0.5 ? mutateJson(doc, random) : doc;
        let data = json(mutated);
        if (random() < 0.1) data = data.subarray(0, Math.floor(random() * data.length));
        // A mutated blob keeps its name, so most fail digest checks; some keep valid digests to reach deeper code.
        files.set(path, random() < 0.5 || path.endsWith(".json") ? data : json(doc));
      }
      const container = new MemoryContainer(files);
      const wanted = random() < 0.3 ? { os: "linux", architecture: random() < 0.5 ? "amd64" : "arm64" } : undefined;
      try {
        if (i % 2 === 0) await openOciLayout("fuzz", { path: "fuzz", ...(random() < 0.2 ? { reference: "latest" } : {}) }, container, "oci-archive", LIMITS, wanted);
        else await openDockerArchive("fuzz", { path: "fuzz", ...(random() < 0.2 ? { reference: "a:b" } : {}) }, container, LIMITS, wanted);
        opened++;
      } catch (error) {
        expectTyped(error, `seed ${SEED} case ${i}`);
      }
    }
    expect(opened).toBeGreaterThan(1_000);
  });

  it("normalizes 5,000 random configs without throwing", () => {
    const random = rng(SEED + 3);
    for (let i = 0; i < 5_000; i++) {
      const config = normalizeConfig(mutateJson({ config: { Env: ["A=b", 3], Cmd: "x", Labels: { a: 1 }, Healthcheck: { Test: ["CMD"], Interval: "x" } }, history: [{ created_by: 1 }], os: {} }, random));
      expect(Array.isArray(config.history)).toBe(true);
    }
  });
});

export { sha256 };
