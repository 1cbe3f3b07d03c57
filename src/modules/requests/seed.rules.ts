/**
 * The AI Horde's `seed_to_int`, applied at admission so a worker always receives an integer
 * seed (and echoing it back on submit passes the submit's integer check).
 *
 * - a string of ASCII digits is read as a number;
 * - any other string is read as the little-endian integer of its UTF-8 bytes (Python's
 *   `int.from_bytes(s.encode(), "little")`), so the same text always gives the same seed;
 * - either way, while the number is 2^32 or more it is shifted right by 32 bits, which leaves a
 *   seed in [0, 2^32).
 *
 * Python's `str.isdigit` also accepts other Unicode digits, which its `int()` then may refuse;
 * only ASCII digits count here, so such a string takes the byte path instead of failing.
 */
export function seedToInt(seed: string): string {
  let n = /^[0-9]+$/.test(seed) ? BigInt(seed) : bytesLittleEndian(Buffer.from(seed, "utf8"));
  while (n >= SEED_SPAN) n >>= 32n;
  return n.toString();
}

const SEED_SPAN = 1n << 32n;

function bytesLittleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}
