import { SifError, SquashfsError } from "../../src/index.js";

/** Deterministic PRNG (mulberry32), so a failing input can be rebuilt from its seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING_32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x1000, 0x2000, 0x7fff, 0x8000, 0xffff, 0x10000, 0x1000000, 0x7fffffff, 0xffffffff];

/**
 * Returns a mutated copy of `seed`. `hot` lists byte ranges (headers and
 * tables) that receive most of the mutations, since random data bytes rarely
 * reach new code.
 */
export function mutate(seed: Uint8Array, next: () => number, hot: readonly [number, number][]): Uint8Array {
  const pick = (): number => {
    if (hot.length > 0 && next() < 0.8) {
      const [start, end] = hot[Math.floor(next() * hot.length)]!;
      return start + Math.floor(next() * Math.max(1, Math.min(end, seed.length) - start));
    }
    return Math.floor(next() * seed.length);
  };

  const strategy = Math.floor(next() * 6);
  if (strategy === 0) return seed.slice(0, Math.floor(next() * seed.length));

  const bytes = seed.slice();
  const view = new DataView(bytes.buffer);
  const rounds = 1 + Math.floor(next() * 4);
  for (let round = 0; round < rounds; round++) {
    const at = pick();
    if (at >= bytes.length) continue;
    switch (strategy) {
      case 1:
        bytes[at] = bytes[at]! ^ (1 << Math.floor(next() * 8));
        break;
      case 2:
        bytes[at] = Math.floor(next() * 256);
        break;
      case 3:
        if (at + 2 <= bytes.length) view.setUint16(at, INTERESTING_32[Math.floor(next() * INTERESTING_32.length)]! & 0xffff, true);
        break;
      case 4:
        if (at + 4 <= bytes.length) view.setUint32(at, INTERESTING_32[Math.floor(next() * INTERESTING_32.length)]!, true);
        break;
      default:
        if (at + 8 <= bytes.length) view.setBigUint64(at, BigInt(Math.floor(next() * 2 ** 32)) * BigInt(1 + Math.floor(next() * 3)), true);
    }
  }
  return bytes;
}

export interface FuzzResult {
  inputs: number;
  typedErrors: number;
  accepted: number;
  /** Inputs that raised something other than SifError or SquashfsError, with their seed. */
  crashes: { seed: number; error: string }[];
  maxMilliseconds: number;
}

/** Runs `read` over `count` mutations of `seed` and sorts the outcomes. */
export async function fuzz(
  seed: Uint8Array,
  hot: readonly [number, number][],
  count: number,
  firstSeed: number,
  read: (bytes: Uint8Array) => Promise<unknown>,
): Promise<FuzzResult> {
  const result: FuzzResult = { inputs: 0, typedErrors: 0, accepted: 0, crashes: [], maxMilliseconds: 0 };
  for (let i = 0; i < count; i++) {
    const inputSeed = firstSeed + i;
    const bytes = mutate(seed, random(inputSeed), hot);
    const started = performance.now();
    try {
      await read(bytes);
      result.accepted++;
    } catch (error) {
      if (error instanceof SifError || error instanceof SquashfsError) result.typedErrors++;
      else if (result.crashes.length < 10) result.crashes.push({ seed: inputSeed, error: (error as Error)?.stack ?? String(error) });
      else result.crashes.push({ seed: inputSeed, error: "" });
    }
    result.maxMilliseconds = Math.max(result.maxMilliseconds, performance.now() - started);
    result.inputs++;
  }
  return result;
}
