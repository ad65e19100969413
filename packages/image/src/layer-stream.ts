/**
 * Streams one layer blob: reads the raw bytes once, hashes them as they pass
 * (the digest is checked at the end, before any result is used), picks the
 * decoder from the first bytes and the media type, and hands decompressed
 * chunks to a sink while enforcing the size and ratio caps.
 */
import { createHash, type Hash } from "node:crypto";
import { once } from "node:events";
import type { Transform } from "node:stream";
import type { Blob } from "./container.js";
import { chooseCompression, createDecoder, ZstdStream, type Compression } from "./compression.js";
import { ImageError } from "./errors.js";
import type { ImageLimits } from "./limits.js";
import { limitError } from "./limits.js";

export interface ByteBudget {
  /** Decompressed bytes read so far across the image. */
  total: number;
}

export interface StreamResult {
  compression: Compression;
  compressedBytes: number;
  decompressedBytes: number;
}

export interface StreamLayerOptions {
  mediaType?: string;
  /** Digest of the decompressed stream (a docker diff_id), checked when the blob has no digest of its own. */
  diffId?: string;
  limits: ImageLimits;
  budget: ByteBudget;
}

function hashFor(digest: string | undefined): Hash | undefined {
  if (!digest) return undefined;
  const algorithm = digest.slice(0, digest.indexOf(":"));
  return algorithm === "sha256" || algorithm === "sha512" ? createHash(algorithm) : undefined;
}

export async function streamLayer(blob: Blob, options: StreamLayerOptions, sink: (chunk: Uint8Array) => void): Promise<StreamResult> {
  const { limits, budget } = options;
  const rawHash = hashFor(blob.digest);
  const diffHash = blob.digest ? undefined : hashFor(options.diffId);
  const raw = blob.open();
  let decoder: Transform | undefined;
  let zstd: ZstdStream | undefined;
  let compression: Compression | undefined;
  let compressedBytes = 0;
  let decompressedBytes = 0;

  const consume = (chunk: Uint8Array): void => {
    decompressedBytes += chunk.length;
    budget.total += chunk.length;
    if (budget.total > limits.maxTotalBytes) throw limitError("maxTotalBytes", budget.total, limits.maxTotalBytes, "Decompressed bytes of the image", blob.name);
    if (compression !== "none" && decompressedBytes > limits.ratioGraceBytes && decompressedBytes > compressedBytes * limits.maxCompressionRatio) {
      throw limitError("maxCompressionRatio", Math.round(decompressedBytes / Math.max(1, compressedBytes)), limits.maxCompressionRatio, "Decompression ratio", blob.name);
    }
    diffHash?.update(chunk);
    sink(chunk);
  };

  let decoded: Promise<void> | undefined;
  try {
    for await (const piece of raw) {
      const chunk = piece as Buffer;
      compressedBytes += chunk.length;
      rawHash?.update(chunk);
      if (blob.size !== undefined && compressedBytes > blob.size) {
        throw new ImageError("SIZE_MISMATCH", `Blob ${blob.name} is larger than the ${blob.size} bytes its descriptor declares.`, { file: blob.name });
      }
      if (compression === undefined) {
        compression = chooseCompression(chunk, options.mediaType, blob.name);
        // zstd is decoded inline: output reaches the caps synchronously, a slice of input at a time.
        if (compression === "zstd") zstd = new ZstdStream(limits.maxZstdWindowBytes, blob.name, consume);
        else decoder = createDecoder(compression, limits.maxZstdWindowBytes, blob.name);
        if (decoder) {
          decoded = pumpDecoder(decoder, consume, blob.name);
          decoded.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
        }
      }
      if (zstd) {
        zstd.write(chunk);
        continue;
      }
      if (!decoder) {
        consume(chunk);
        continue;
      }
      if (!decoder.write(chunk)) await Promise.race([once(decoder, "drain"), decoded]);
    }
    compression ??= "none";
    zstd?.end();
    if (decoder) {
      decoder.end();
      await decoded;
    }
  } catch (error) {
    decoder?.destroy();
    raw.destroy();
    // A blob that does not match its digest is reported as such, not as the parse error its bytes caused.
    if (blob.digest && !(await digestMatches(blob))) {
      throw new ImageError("DIGEST_MISMATCH", `Blob ${blob.name} does not match its digest ${blob.digest}.`, { file: blob.name, cause: error });
    }
    throw wrapStreamError(error, blob.name);
  } finally {
    raw.destroy();
  }

  if (blob.size !== undefined && compressedBytes !== blob.size) {
    throw new ImageError("SIZE_MISMATCH", `Blob ${blob.name} has ${compressedBytes} bytes; its descriptor declares ${blob.size}.`, { file: blob.name });
  }
  if (rawHash && blob.digest) {
    const actual = `${blob.digest.slice(0, blob.digest.indexOf(":"))}:${rawHash.digest("hex")}`;
    if (actual !== blob.digest) throw new ImageError("DIGEST_MISMATCH", `Blob ${blob.name} does not match its digest: expected ${blob.digest}, got ${actual}.`, { file: blob.name });
  }
  if (diffHash && options.diffId) {
    const actual = `${options.diffId.slice(0, options.diffId.indexOf(":"))}:${diffHash.digest("hex")}`;
    if (actual !== options.diffId) throw new ImageError("DIGEST_MISMATCH", `Layer ${blob.name} does not match its diff_id: expected ${options.diffId}, got ${actual}.`, { file: blob.name });
  }
  return { compression, compressedBytes, decompressedBytes };
}

async function digestMatches(blob: Blob): Promise<boolean> {
  const hash = hashFor(blob.digest);
  if (!hash || !blob.digest) return true;
  try {
    for await (const chunk of blob.open()) hash.update(chunk as Buffer);
  } catch {
    return true; // unreadable: the original error says more
  }
  return `${blob.digest.slice(0, blob.digest.indexOf(":"))}:${hash.digest("hex")}` === blob.digest;
}

function pumpDecoder(decoder: Transform, consume: (chunk: Uint8Array) => void, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    decoder.on("data", (chunk: Buffer) => {
      try {
        consume(chunk);
      } catch (error) {
        decoder.destroy(error as Error);
      }
    });
    decoder.once("end", resolve);
    decoder.once("error", (error) => reject(wrapStreamError(error, name)));
  });
}

function wrapStreamError(error: unknown, name: string): ImageError {
  if (error instanceof ImageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string } | undefined)?.code;
  if (code === "ENOENT") return new ImageError("MISSING_BLOB", `Blob ${name} could not be opened: ${message}.`, { file: name, cause: error });
  if (typeof code === "string" && code.startsWith("Z_")) {
    return new ImageError("DECOMPRESSION_FAILED", `Blob ${name} could not be decompressed: ${message}.`, { file: name, cause: error });
  }
  if (code === "ERR_STREAM_PREMATURE_CLOSE" || /unexpected end/i.test(message)) {
    return new ImageError("TRUNCATED", `Blob ${name} ends early: ${message}.`, { file: name, cause: error });
  }
  return new ImageError("UNREADABLE", `Blob ${name} could not be read: ${message}.`, { file: name, cause: error });
}
