/**
 * Decodes one LZ4 block (the raw block format, without a frame), as
 * squashfs stores them. Returns undefined when the block is malformed or
 * would decode to more than `maxOutput` bytes.
 */
export function decodeLz4Block(input: Uint8Array, maxOutput: number): Uint8Array | undefined {
  const output = new Uint8Array(maxOutput);
  let inPos = 0;
  let outPos = 0;

  while (inPos < input.length) {
    const token = input[inPos++]!;

    let literalLength = token >>> 4;
    if (literalLength === 15) {
      const extended = readLength(input, inPos);
      if (extended === undefined) return undefined;
      literalLength += extended.value;
      inPos = extended.next;
    }
    if (inPos + literalLength > input.length || outPos + literalLength > maxOutput) return undefined;
    output.set(input.subarray(inPos, inPos + literalLength), outPos);
    inPos += literalLength;
    outPos += literalLength;

    // The last sequence of a block has literals only.
    if (inPos === input.length) break;

    if (inPos + 2 > input.length) return undefined;
    const distance = input[inPos]! | (input[inPos + 1]! << 8);
    inPos += 2;
    if (distance === 0 || distance > outPos) return undefined;

    let matchLength = (token & 0x0f) + 4;
    if ((token & 0x0f) === 15) {
      const extended = readLength(input, inPos);
      if (extended === undefined) return undefined;
      matchLength += extended.value;
      inPos = extended.next;
    }
    if (outPos + matchLength > maxOutput) return undefined;

    // Byte by byte, because a match may overlap the bytes it produces.
    let from = outPos - distance;
    for (let i = 0; i < matchLength; i++) output[outPos++] = output[from++]!;
  }
  return output.subarray(0, outPos);
}

function readLength(input: Uint8Array, start: number): { value: number; next: number } | undefined {
  let value = 0;
  let pos = start;
  for (;;) {
    if (pos >= input.length) return undefined;
    const byte = input[pos++]!;
    value += byte;
    if (byte !== 255) return { value, next: pos };
  }
}
