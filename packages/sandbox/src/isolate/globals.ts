/**
 * Shapes the isolate's global scope before plugin code runs. Adds the web
 * globals the SDK and typical plugins use that a bare V8 context lacks (UTF-8
 * TextEncoder and TextDecoder, and a console whose output is dropped, so a
 * leftover debug line does not fail a check). Removes WebAssembly, because
 * isolated-vm 5 does not count WebAssembly memory against the isolate's memory
 * limit, and SharedArrayBuffer, which has no use without a second thread and
 * serves as a high-resolution timer.
 */

const REPLACEMENT = 0xfffd;

function toBytes(input: unknown): Uint8Array {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError("TextDecoder.decode needs an ArrayBuffer or an ArrayBufferView.");
}

/** Decodes UTF-8; an invalid or truncated sequence becomes U+FFFD, or throws when `fatal` is set. */
class Utf8Decoder {
  readonly encoding = "utf-8";
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;

  constructor(label = "utf-8", options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
    const normalized = String(label).trim().toLowerCase();
    if (normalized !== "utf-8" && normalized !== "utf8" && normalized !== "unicode-1-1-utf-8") {
      throw new RangeError(`The encoding "${label}" is not supported in the sandbox; only UTF-8 is.`);
    }
    this.fatal = options.fatal === true;
    this.ignoreBOM = options.ignoreBOM === true;
  }

  decode(input?: unknown): string {
    const bytes = toBytes(input);
    const units: number[] = [];
    let out = "";
    let i = !this.ignoreBOM && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const invalid = (): void => {
      if (this.fatal) throw new TypeError("The encoded data was not valid UTF-8.");
      units.push(REPLACEMENT);
    };
    const flush = (): void => {
      out += String.fromCharCode(...units);
      units.length = 0;
    };
    while (i < bytes.length) {
      // Runs of ASCII, the common case in text files, are converted in one call.
      let end = i;
      while (end < bytes.length && end - i < 8192 && bytes[end]! < 0x80) end++;
      if (end - i > 16) {
        if (units.length > 0) flush();
        out += String.fromCharCode.apply(null, bytes.subarray(i, end) as unknown as number[]);
        i = end;
        continue;
      }
      const first = bytes[i]!;
      let needed = 0;
      let codePoint = 0;
      let lower = 0x80;
      let upper = 0xbf;
      if (first < 0x80) {
        units.push(first);
        i++;
      } else {
        if (first >= 0xc2 && first <= 0xdf) {
          needed = 1;
          codePoint = first & 0x1f;
        } else if (first >= 0xe0 && first <= 0xef) {
          needed = 2;
          codePoint = first & 0x0f;
          if (first === 0xe0) lower = 0xa0;
          if (first === 0xed) upper = 0x9f;
        } else if (first >= 0xf0 && first <= 0xf4) {
          needed = 3;
          codePoint = first & 0x07;
          if (first === 0xf0) lower = 0x90;
          if (first === 0xf4) upper = 0x8f;
        } else {
          invalid();
          i++;
          continue;
        }
        let j = 1;
        for (; j <= needed; j++) {
          const next = bytes[i + j];
          if (next === undefined || next < lower || next > upper) break;
          codePoint = (codePoint << 6) | (next & 0x3f);
          lower = 0x80;
          upper = 0xbf;
        }
        if (j <= needed) {
          invalid();
          i += j;
          continue;
        }
        i += needed + 1;
        if (codePoint > 0xffff) {
          codePoint -= 0x10000;
          units.push(0xd800 + (codePoint >> 10), 0xdc00 + (codePoint & 0x3ff));
        } else units.push(codePoint);
      }
      if (units.length >= 8192) flush();
    }
    return out + String.fromCharCode(...units);
  }
}

/** Encodes strings as UTF-8; a lone surrogate becomes U+FFFD. */
class Utf8Encoder {
  readonly encoding = "utf-8";

  encode(input = ""): Uint8Array {
    const text = String(input);
    const bytes: number[] = [];
    for (let i = 0; i < text.length; i++) {
      let codePoint = text.charCodeAt(i);
      if (codePoint >= 0xd800 && codePoint <= 0xdbff) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (next - 0xdc00);
          i++;
        } else codePoint = REPLACEMENT;
      } else if (codePoint >= 0xdc00 && codePoint <= 0xdfff) codePoint = REPLACEMENT;

      if (codePoint < 0x80) bytes.push(codePoint);
      else if (codePoint < 0x800) bytes.push(0xc0 | (codePoint >> 6), 0x80 | (codePoint & 0x3f));
      else if (codePoint < 0x10000) bytes.push(0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f));
      else bytes.push(0xf0 | (codePoint >> 18), 0x80 | ((codePoint >> 12) & 0x3f), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f));
    }
    return new Uint8Array(bytes);
  }
}

const scope = globalThis as Record<string, unknown>;
if (scope.TextDecoder === undefined) scope.TextDecoder = Utf8Decoder;
if (scope.TextEncoder === undefined) scope.TextEncoder = Utf8Encoder;
if (scope.console === undefined) {
  const discard = (): void => {};
  scope.console = Object.freeze({ log: discard, info: discard, warn: discard, error: discard, debug: discard, trace: discard });
}

Reflect.deleteProperty(scope, "WebAssembly");
Reflect.deleteProperty(scope, "SharedArrayBuffer");
