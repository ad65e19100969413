import { inflateSync } from "node:zlib";
import { decompress as zstdDecompress, Decompress as ZstdStream } from "fzstd";
import type { XzReadableStream as XzReadableStreamClass } from "xz-decompress";
import { SquashfsError } from "../errors.js";
import { decodeLz4Block } from "./lz4.js";
import { crc32, decodeBcjX86, inspectBcj } from "./xz-bcj.js";

/** Decompresses one block to at most `maxOutput` bytes, or throws a SquashfsError naming `offset`. */
export type Decompressor = (input: Uint8Array, maxOutput: number, offset: number) => Promise<Uint8Array>;

/** xz-decompress carries its WebAssembly inline and costs tens of milliseconds to load, so it loads on first use. */
let xzModule: Promise<XzModule> | undefined;

interface XzModule {
  XzReadableStream: typeof XzReadableStreamClass;
}
const MAX_ZSTD_WINDOW = 8 * 1024 * 1024;

/** Returns the decompressor for a squashfs compression id, or throws UNSUPPORTED_COMPRESSION. */
export function decompressorFor(compression: number, name: string, file?: string): Decompressor {
  switch (compression) {
    case 1:
      return async (input, maxOutput, offset) => inflate(input, maxOutput, offset, file);
    case 4:
      return (input, maxOutput, offset) => decodeXz(input, maxOutput, offset, file);
    case 5:
      return async (input, maxOutput, offset) => {
        const output = decodeLz4Block(input, maxOutput);
        if (output === undefined) {
          throw new SquashfsError("DECOMPRESSION_FAILED", `invalid lz4 block or more than ${maxOutput} bytes decompressed`, offset, file);
        }
        return output;
      };
    case 6:
      return async (input, maxOutput, offset) => decodeZstd(input, maxOutput, offset, file);
    default:
      // NOTE: lzo and the legacy lzma format have no decoder here.
      throw new SquashfsError(
        "UNSUPPORTED_COMPRESSION",
        `compression ${name} is not supported; rebuild the image with gzip, xz, lz4 or zstd (mksquashfs -comp)`,
        20,
        file,
      );
  }
}

function inflate(input: Uint8Array, maxOutput: number, offset: number, file?: string): Uint8Array {
  try {
    const output = inflateSync(input, { maxOutputLength: Math.max(maxOutput, 1) });
    return new Uint8Array(output.buffer, output.byteOffset, output.length);
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    throw new SquashfsError(
      tooLarge ? "DECOMPRESSED_TOO_LARGE" : "DECOMPRESSION_FAILED",
      tooLarge ? `gzip block decompresses to more than ${maxOutput} bytes` : `invalid gzip block: ${(error as Error).message}`,
      offset,
      file,
      { cause: error },
    );
  }
}

/**
 * Decodes one xz block. A block whose filter chain is BCJ x86 + LZMA2
 * (mksquashfs -Xbcj x86) is rewritten to LZMA2 alone, decoded, and then the
 * x86 filter is undone here and the CRC32 checked. Other BCJ filters raise
 * UNSUPPORTED_COMPRESSION.
 */
async function decodeXz(input: Uint8Array, maxOutput: number, offset: number, file?: string): Promise<Uint8Array> {
  const bcj = inspectBcj(input);
  if (bcj.kind === "unsupported") {
    throw new SquashfsError(
      "UNSUPPORTED_COMPRESSION",
      `xz block uses branch filter 0x${bcj.filter.toString(16)}; only the x86 BCJ filter is supported, so rebuild without -Xbcj or with -Xbcj x86`,
      offset,
      file,
    );
  }
  if (bcj.kind === "none") return decodeXzStream(input, maxOutput, offset, file);

  const output = await decodeXzStream(bcj.plan.stream, maxOutput, offset, file);
  decodeBcjX86(output, bcj.plan.startOffset);
  if (bcj.plan.crc32 !== undefined && crc32(output) !== bcj.plan.crc32) {
    throw new SquashfsError("DECOMPRESSION_FAILED", "xz block with the x86 BCJ filter fails its CRC32 check", offset, file);
  }
  return output;
}

async function decodeXzStream(input: Uint8Array, maxOutput: number, offset: number, file?: string): Promise<Uint8Array> {
  const compressed = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(input);
      controller.close();
    },
  });
  // The package is CommonJS, so its exports arrive on `default` under ESM.
  xzModule ??= import("xz-decompress").then((loaded) => {
    const module = loaded as unknown as XzModule & { default?: XzModule };
    return module.default ?? module;
  });
  const { XzReadableStream } = await xzModule;
  const reader = new XzReadableStream(compressed).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxOutput) {
        await reader.cancel();
        throw new SquashfsError("DECOMPRESSED_TOO_LARGE", `xz block decompresses to more than ${maxOutput} bytes`, offset, file);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof SquashfsError) throw error;
    const message = (error as Error).message;
    // xz-embedded's XZ_OPTIONS_ERROR (6): the block uses a filter chain this build of the decoder lacks.
    if (/error code 6\b/.test(message)) {
      throw new SquashfsError("UNSUPPORTED_COMPRESSION", "xz block uses a filter chain the xz decoder does not support; rebuild without -Xbcj", offset, file, {
        cause: error,
      });
    }
    throw new SquashfsError("DECOMPRESSION_FAILED", `invalid xz block: ${message}`, offset, file, { cause: error });
  }
  return concat(chunks, total);
}

/**
 * Decodes one zstd frame. A frame that states its content size decodes into a
 * buffer of exactly that size; otherwise output is counted chunk by chunk.
 * The window size is checked first because the decoder allocates it.
 */
function decodeZstd(input: Uint8Array, maxOutput: number, offset: number, file?: string): Uint8Array {
  const header = parseZstdFrameHeader(input);
  if (header === undefined) {
    throw new SquashfsError("DECOMPRESSION_FAILED", "invalid zstd frame header", offset, file);
  }
  if (header.contentSize !== undefined && header.contentSize > maxOutput) {
    throw new SquashfsError("DECOMPRESSED_TOO_LARGE", `zstd frame declares ${header.contentSize} bytes; at most ${maxOutput} are allowed`, offset, file);
  }
  if (header.windowSize > MAX_ZSTD_WINDOW) {
    throw new SquashfsError("DECOMPRESSION_FAILED", `zstd window of ${header.windowSize} bytes exceeds ${MAX_ZSTD_WINDOW}`, offset, file);
  }

  try {
    if (header.contentSize !== undefined) {
      return zstdDecompress(input, new Uint8Array(header.contentSize));
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const stream = new ZstdStream((chunk) => {
      total += chunk.length;
      if (total > maxOutput) {
        throw new SquashfsError("DECOMPRESSED_TOO_LARGE", `zstd block decompresses to more than ${maxOutput} bytes`, offset, file);
      }
      chunks.push(chunk.slice());
    });
    stream.push(input, true);
    return concat(chunks, total);
  } catch (error) {
    if (error instanceof SquashfsError) throw error;
    throw new SquashfsError("DECOMPRESSION_FAILED", `invalid zstd block: ${(error as Error).message}`, offset, file, { cause: error });
  }
}

interface ZstdFrameHeader {
  contentSize?: number;
  windowSize: number;
}

function parseZstdFrameHeader(input: Uint8Array): ZstdFrameHeader | undefined {
  if (input.length < 6) return undefined;
  if (input[0] !== 0x28 || input[1] !== 0xb5 || input[2] !== 0x2f || input[3] !== 0xfd) return undefined;

  const descriptor = input[4]!;
  const contentSizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictionaryIdFlag = descriptor & 3;
  let pos = 5;

  let windowSize = 0;
  if (!singleSegment) {
    const windowDescriptor = input[pos++]!;
    const base = 2 ** (10 + (windowDescriptor >> 3));
    windowSize = base + (base / 8) * (windowDescriptor & 7);
  }
  pos += [0, 1, 2, 4][dictionaryIdFlag]!;

  const contentSizeBytes = contentSizeFlag === 0 ? singleSegment : [0, 2, 4, 8][contentSizeFlag]!;
  if (pos + contentSizeBytes > input.length) return undefined;
  let contentSize: number | undefined;
  if (contentSizeBytes > 0) {
    let value = 0;
    for (let i = contentSizeBytes - 1; i >= 0; i--) value = value * 256 + input[pos + i]!;
    contentSize = contentSizeBytes === 2 ? value + 256 : value;
  }
  if (singleSegment) windowSize = contentSize ?? 0;
  return { contentSize, windowSize };
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const output = new Uint8Array(total);
  let pos = 0;
  for (const chunk of chunks) {
    output.set(chunk, pos);
    pos += chunk.length;
  }
  return output;
}
