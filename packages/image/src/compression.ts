/**
 * Compression of layer blobs: detection from magic bytes (the media type is a
 * hint only), streaming decoders with caps on output, ratio and zstd window.
 */
import { Transform, type TransformCallback } from "node:stream";
import { createGunzip } from "node:zlib";
import { Decompress } from "fzstd";
import { ImageError } from "./errors.js";
import { limitError } from "./limits.js";

export type Compression = "none" | "gzip" | "zstd";

const DECODE_CHUNK = 256 * 1024;

/** Compression named by a layer media type, when it names one. */
export function compressionFromMediaType(mediaType: string | undefined): Compression | undefined {
  if (!mediaType) return undefined;
  if (mediaType.endsWith("+gzip") || mediaType.endsWith(".gzip") || mediaType === "application/vnd.docker.image.rootfs.diff.tar.gzip") return "gzip";
  if (mediaType.endsWith("+zstd") || mediaType.endsWith(".zstd")) return "zstd";
  if (mediaType.endsWith(".tar") || mediaType.endsWith("layer.v1.tar")) return "none";
  return undefined;
}

/** Detects compression from the first bytes; throws UNSUPPORTED_COMPRESSION for known but unsupported ones. */
export function sniffCompression(head: Uint8Array, what: string): Compression | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) {
    throw new ImageError("UNSUPPORTED_COMPRESSION", `${what} is bzip2-compressed; only plain, gzip and zstd are supported.`, { file: what });
  }
  if (head.length >= 6 && head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58 && head[4] === 0x5a && head[5] === 0) {
    throw new ImageError("UNSUPPORTED_COMPRESSION", `${what} is xz-compressed; only plain, gzip and zstd are supported.`, { file: what });
  }
  return undefined;
}

/**
 * Picks the decoder for a blob from its first bytes and media type. Magic bytes
 * win; a media type that promises compression the bytes do not have is an error.
 */
export function chooseCompression(head: Uint8Array, mediaType: string | undefined, what: string): Compression {
  const sniffed = sniffCompression(head, what);
  const declared = compressionFromMediaType(mediaType);
  if (sniffed) return sniffed;
  if (declared && declared !== "none" && head.length > 0) {
    throw new ImageError("DECOMPRESSION_FAILED", `${what} has media type ${mediaType} but its bytes are not ${declared}.`, { file: what });
  }
  return "none";
}

export function createDecoder(compression: Compression, maxZstdWindowBytes: number, what: string): Transform | undefined {
  if (compression === "gzip") return createGunzip({ chunkSize: DECODE_CHUNK });
  if (compression === "zstd") return new ZstdDecoder(maxZstdWindowBytes, what);
  return undefined;
}

/**
 * zstd through fzstd (pure JS), synchronous: output goes straight to `onData`.
 * fzstd allocates a frame's whole window up front, so a frame scanner reads
 * each frame header first and refuses windows over the cap before the decoder
 * sees the frame. Input is fed in small slices, so that a highly compressed
 * frame (RLE blocks) yields its output a little at a time and the caller's
 * caps stop it early.
 */
export class ZstdStream {
  private readonly decoder: Decompress;
  private readonly frames: ZstdFrameScanner;

  constructor(
    maxWindow: number,
    private readonly what: string,
    onData: (chunk: Uint8Array) => void,
  ) {
    this.frames = new ZstdFrameScanner(maxWindow, what);
    this.decoder = new Decompress((chunk) => {
      if (chunk.length > 0) onData(chunk);
    });
  }

  write(chunk: Uint8Array): void {
    const SLICE = 4096;
    try {
      for (let at = 0; at < chunk.length; at += SLICE) {
        const slice = chunk.subarray(at, at + SLICE);
        this.frames.scan(slice);
        this.decoder.push(slice, false);
      }
    } catch (error) {
      throw this.toImageError(error);
    }
  }

  end(): void {
    try {
      this.frames.end();
      this.decoder.push(new Uint8Array(0), true);
    } catch (error) {
      throw this.toImageError(error);
    }
  }

  private toImageError(error: unknown): ImageError {
    if (error instanceof ImageError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new ImageError("DECOMPRESSION_FAILED", `zstd data of ${this.what} is invalid: ${message}.`, { file: this.what, cause: error });
  }
}

/** ZstdStream as a Node transform, for outer archives read as streams. */
class ZstdDecoder extends Transform {
  private readonly stream: ZstdStream;

  constructor(maxWindow: number, what: string) {
    super({ readableHighWaterMark: DECODE_CHUNK });
    this.stream = new ZstdStream(maxWindow, what, (chunk) => this.push(chunk));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.stream.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.stream.end();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}

const enum FrameState {
  Magic,
  Header,
  BlockHeader,
  Skip,
  Checksum,
  SkippableSize,
}

/** Walks zstd frame and block headers without decoding, to check window sizes. */
export class ZstdFrameScanner {
  private state = FrameState.Magic;
  private buffer: number[] = [];
  private need = 4;
  private skip = 0;
  private checksum = false;
  private lastBlock = false;
  private afterSkip = FrameState.BlockHeader;
  private frames = 0;

  constructor(
    private readonly maxWindow: number,
    private readonly what: string,
  ) {}

  scan(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.state === FrameState.Skip) {
        const n = Math.min(this.skip, chunk.length - pos);
        this.skip -= n;
        pos += n;
        if (this.skip === 0) this.afterSkipped();
        continue;
      }
      this.buffer.push(chunk[pos++]!);
      if (this.buffer.length < this.need) continue;
      this.step();
    }
  }

  end(): void {
    if (this.frames === 0 || this.state !== FrameState.Magic || this.buffer.length > 0) {
      throw new ImageError("DECOMPRESSION_FAILED", `zstd data of ${this.what} ends inside a frame.`, { file: this.what });
    }
  }

  private afterSkipped(): void {
    if (this.afterSkip === FrameState.Magic) this.expect(FrameState.Magic, 4);
    else if (this.lastBlock && this.checksum) this.expect(FrameState.Checksum, 4);
    else if (this.lastBlock) this.expect(FrameState.Magic, 4);
    else this.expect(FrameState.BlockHeader, 3);
  }

  private expect(state: FrameState, need: number): void {
    this.state = state;
    this.need = need;
    this.buffer = [];
  }

  private step(): void {
    const b = this.buffer;
    switch (this.state) {
      case FrameState.Magic: {
        const magic = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
        if (magic === 0xfd2fb528) {
          this.frames++;
          this.expect(FrameState.Header, 1);
          return;
        }
        if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) {
          this.expect(FrameState.SkippableSize, 4); // skippable frame: a 4-byte size, then data
          return;
        }
        throw new ImageError("DECOMPRESSION_FAILED", `zstd data of ${this.what} has an invalid frame magic.`, { file: this.what });
      }
      case FrameState.Header: {
        const fhd = b[0]!;
        const singleSegment = (fhd >> 5) & 1;
        const dictBytes = [0, 1, 2, 4][fhd & 3]!;
        const fcsFlag = fhd >> 6;
        const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
        const total = 1 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
        if (b.length < total) {
          this.need = total;
          return;
        }
        this.checksum = ((fhd >> 2) & 1) === 1;
        let window: number;
        if (!singleSegment) {
          const wd = b[1]!;
          const base = 2 ** (10 + (wd >> 3));
          window = base + (base / 8) * (wd & 7);
        } else {
          let fcs = 0;
          const at = 1 + dictBytes;
          for (let i = fcsBytes - 1; i >= 0; i--) fcs = fcs * 256 + b[at + i]!;
          if (fcsBytes === 2) fcs += 256;
          window = fcs;
        }
        if (window > this.maxWindow) {
          throw limitError("maxZstdWindowBytes", window, this.maxWindow, "zstd window size", this.what);
        }
        this.lastBlock = false;
        this.afterSkip = FrameState.BlockHeader;
        this.expect(FrameState.BlockHeader, 3);
        return;
      }
      case FrameState.BlockHeader: {
        const header = b[0]! | (b[1]! << 8) | (b[2]! << 16);
        this.lastBlock = (header & 1) === 1;
        const type = (header >> 1) & 3;
        const size = header >>> 3;
        if (type === 3) throw new ImageError("DECOMPRESSION_FAILED", `zstd data of ${this.what} has a reserved block type.`, { file: this.what });
        this.skip = type === 1 ? 1 : size;
        this.buffer = [];
        this.state = FrameState.Skip;
        if (this.skip === 0) this.afterSkipped();
        return;
      }
      case FrameState.SkippableSize:
        this.skip = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
        this.afterSkip = FrameState.Magic;
        this.buffer = [];
        this.state = FrameState.Skip;
        if (this.skip === 0) this.afterSkipped();
        return;
      case FrameState.Checksum:
        this.expect(FrameState.Magic, 4);
        return;
      case FrameState.Skip:
        return;
    }
  }
}
