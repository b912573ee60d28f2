/**
 * 64-bit hashes for the distinct-count sketch: MurmurHash3_x86_128 (Austin Appleby, public
 * domain, SMHasher) truncated to its first 64 bits (h1, h2). Strings are hashed on their UTF-8
 * bytes and numbers on the 8 little-endian bytes of their IEEE-754 double (with -0 folded into
 * 0), so a profile built by another process or another language with the same definition
 * lands on the same HyperLogLog registers. The x86 variant needs only 32-bit multiplies
 * (Math.imul), which keeps it fast in JavaScript without BigInt.
 *
 * Reference: MurmurHash3.cpp `MurmurHash3_x86_128`; SMHasher's verification value for it is
 * 0xB3ECE62A (test/sketch/hash.test.ts checks it). Cost: O(bytes), no allocation for numbers.
 */

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

/** The 128-bit result of the last call, as four 32-bit words h1..h4 (unsigned). */
export const hashOut = new Uint32Array(4);

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function finish(h1: number, h2: number, h3: number, h4: number, len: number): void {
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= len;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  hashOut[0] = h1;
  hashOut[1] = h2;
  hashOut[2] = h3;
  hashOut[3] = h4;
}

function u32(b: Uint8Array, i: number): number {
  return (
    (b[i] as number) |
    ((b[i + 1] as number) << 8) |
    ((b[i + 2] as number) << 16) |
    ((b[i + 3] as number) << 24)
  );
}

/** MurmurHash3_x86_128(bytes[0..len), seed); the result is left in `hashOut`. */
export function murmur3x86128(bytes: Uint8Array, len: number = bytes.length, seed = 0): void {
  let h1 = seed | 0;
  let h2 = seed | 0;
  let h3 = seed | 0;
  let h4 = seed | 0;
  const blocks = len >>> 4;
  for (let b = 0; b < blocks; b++) {
    const i = b << 4;
    let k1 = u32(bytes, i);
    let k2 = u32(bytes, i + 4);
    let k3 = u32(bytes, i + 8);
    let k4 = u32(bytes, i + 12);
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  const t = blocks << 4;
  const rem = len & 15;
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  // The tail bytes fill k4..k1 from the top down, as the C switch falls through.
  for (let j = rem - 1; j >= 0; j--) {
    const byte = bytes[t + j] as number;
    if (j >= 12) k4 ^= byte << ((j - 12) * 8);
    else if (j >= 8) k3 ^= byte << ((j - 8) * 8);
    else if (j >= 4) k2 ^= byte << ((j - 4) * 8);
    else k1 ^= byte << (j * 8);
  }
  if (rem > 12) h4 ^= Math.imul(rotl(Math.imul(k4, C4), 18), C1);
  if (rem > 8) h3 ^= Math.imul(rotl(Math.imul(k3, C3), 17), C4);
  if (rem > 4) h2 ^= Math.imul(rotl(Math.imul(k2, C2), 16), C3);
  if (rem > 0) h1 ^= Math.imul(rotl(Math.imul(k1, C1), 15), C2);
  finish(h1, h2, h3, h4, len);
}

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);
// Typed arrays use the platform's byte order; every platform Node supports in practice is
// little-endian, and the words are read in that order to match the byte definition above.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Hash of a double's 8 bytes (little-endian), -0 folded into 0. Result in hashOut. */
export function hashNumber(x: number): void {
  f64[0] = x === 0 ? 0 : x;
  const lo = LITTLE_ENDIAN ? (f64Words[0] as number) : (f64Words[1] as number);
  const hi = LITTLE_ENDIAN ? (f64Words[1] as number) : (f64Words[0] as number);
  // An 8-byte key is all tail: k1 = bytes 0..3, k2 = bytes 4..7.
  const h2 = Math.imul(rotl(Math.imul(hi, C2), 16), C3);
  const h1 = Math.imul(rotl(Math.imul(lo, C1), 15), C2);
  finish(h1, h2, 0, 0, 8);
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

/** Hash of a string's UTF-8 bytes (lone surrogates become U+FFFD, as TextEncoder does). */
export function hashString(s: string): void {
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  if (s.length * 3 > scratch.length)
    scratch = new Uint8Array(Math.max(s.length * 3, scratch.length * 2));
  const n = s.length;
  if (n <= 64) {
    // Short ASCII strings (most category labels) are their own UTF-8: copied here, without
    // the call into TextEncoder, which costs more than the hash for a few bytes.
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      scratch[i] = c;
    }
    if (i === n) {
      murmur3x86128(scratch, n, 0);
      return;
    }
  }
  const { written } = encoder.encodeInto(s, scratch);
  murmur3x86128(scratch, written, 0);
}
