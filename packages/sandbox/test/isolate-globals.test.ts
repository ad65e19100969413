/**
 * The isolate's TextDecoder and TextEncoder are the sandbox's own UTF-8
 * implementations; they must agree with Node's for every input.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type IsolatedVm from "isolated-vm";
import { afterAll, describe, expect, it } from "vitest";
import { capText } from "../src/runner/caps.js";

const require = createRequire(import.meta.url);
const ivm = require("isolated-vm") as typeof IsolatedVm;
const bootstrap = readFileSync(new URL("../dist/bootstrap.js", import.meta.url), "utf8");
const isolate = new ivm.Isolate({ memoryLimit: 32 });
const context = isolate.createContextSync();
isolate.compileScriptSync(bootstrap).runSync(context);
afterAll(() => isolate.dispose());

const decodeInIsolate = (bytes: number[]): string =>
  context.evalClosureSync("return new TextDecoder().decode(new Uint8Array($0));", [bytes], { arguments: { copy: true }, result: { copy: true } }) as string;
const encodeInIsolate = (text: string): number[] =>
  context.evalClosureSync("return Array.from(new TextEncoder().encode($0));", [text], { arguments: { copy: true }, result: { copy: true } }) as number[];

describe("isolate TextDecoder", () => {
  it.each([
    ["ASCII", [...Buffer.from("root:x:0:0:root:/root:/bin/bash\n".repeat(20))]],
    ["two-byte", [...Buffer.from("café ñ")]],
    ["three-byte", [...Buffer.from("€ 日本語")]],
    ["four-byte", [...Buffer.from("emoji 😀 and 𝄞")]],
    ["byte-order mark", [0xef, 0xbb, 0xbf, 0x41]],
    ["lone continuation byte", [0x41, 0x80, 0x42]],
    ["truncated sequence", [0xe2, 0x82]],
    ["overlong encoding", [0xc0, 0xaf]],
    ["surrogate encoded", [0xed, 0xa0, 0x80]],
    ["above U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["invalid lead byte", [0xff, 0x41]],
  ])("decodes %s like Node", (_name, bytes) => {
    expect(decodeInIsolate(bytes)).toBe(new TextDecoder().decode(new Uint8Array(bytes)));
  });

  it("throws for invalid bytes when fatal", () => {
    expect(() => context.evalSync("new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff]))")).toThrow(TypeError);
  });

  it("rejects encodings other than UTF-8", () => {
    expect(() => context.evalSync("new TextDecoder('latin1')")).toThrow(RangeError);
  });
});

describe("isolate TextEncoder", () => {
  it.each([["ASCII", "root:x:0:0"], ["multi-byte", "café € 😀"], ["lone surrogate", "a\ud800b"]])("encodes %s like Node", (_name, text) => {
    expect(encodeInIsolate(text)).toEqual([...new TextEncoder().encode(text)]);
  });
});

describe("capText", () => {
  it.each([
    ["short text", "abc", 10, "abc"],
    ["ASCII cut", "abcdef", 4, "abcd"],
    ["cut before a two-byte character", "aé", 2, "a"],
    ["cut before a four-byte character", "a😀", 4, "a"],
    ["whole four-byte character", "a😀", 5, "a😀"],
  ])("%s", (_name, text, maxBytes, expected) => {
    expect(capText(text, maxBytes)).toBe(expected);
  });
});
