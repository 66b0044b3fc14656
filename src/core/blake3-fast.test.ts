import { blake3 } from "@noble/hashes/blake3.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { blake3Concat, blake3Fast, createBlake3 } from "./blake3-fast.js";

/** Official BLAKE3 test-vector input: byte i is i mod 251. */
function vectorInput(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = i % 251;
  return bytes;
}

/** A seeded xorshift32 generator, so every "random" case is reproducible from the seed. */
function rng(seed: number): (below: number) => number {
  let x = seed >>> 0 || 1;
  return (below) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % below;
  };
}

function randomBytes(length: number, seed: number): Uint8Array {
  const next = rng(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = next(256);
  return out;
}

/** A length between 0 and `max`, spread evenly over the orders of magnitude. */
function logLength(next: (below: number) => number, max: number): number {
  return Math.floor(Math.exp((next(1_000_000) / 1_000_000) * Math.log(max + 1)));
}

const hex = (bytes: Uint8Array): string => bytesToHex(bytes);
const noble = (bytes: Uint8Array): string => bytesToHex(blake3(bytes));

/** First 32 bytes of the `hash` field of BLAKE3's test_vectors/test_vectors.json. */
const OFFICIAL: ReadonlyArray<readonly [number, string]> = [
  [0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"],
  [1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213"],
  [1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11"],
  [1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7"],
  [1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444"],
  [2048, "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a"],
  [2049, "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030"],
  [3072, "b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2"],
  [3073, "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3"],
  [4096, "015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969"],
  [4097, "9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995"],
  [5120, "9cadc15fed8b5d854562b26a9536d9707cadeda9b143978f319ab34230535833"],
  [5121, "628bd2cb2004694adaab7bbd778a25df25c47b9d4155a55f8fbd79f2fe154cff"],
  [6144, "3e2e5b74e048f3add6d21faab3f83aa44d3b2278afb83b80b3c35164ebeca205"],
  [6145, "f1323a8631446cc50536a9f705ee5cb619424d46887f3c376c695b70e0f0507f"],
  [7168, "61da957ec2499a95d6b8023e2b0e604ec7f6b50e80a9678b89d2628e99ada77a"],
  [7169, "a003fc7a51754a9b3c7fae0367ab3d782dccf28855a03d435f8cfe74605e7817"],
  [8192, "aae792484c8efe4f19e2ca7d371d8c467ffb10748d8a5a1ae579948f718a2a63"],
  [8193, "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b"],
  [16384, "f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4"],
  [31744, "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47"],
  [102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085"],
];

describe("blake3Fast", () => {
  it("given the empty input, when hashed, then it is the official BLAKE3 empty digest", () => {
    expect(hex(blake3Fast(new Uint8Array(0)))).toBe(
      "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
    );
  });

  it("given each official test-vector input, when hashed, then it matches the official hash", () => {
    for (const [length, expected] of OFFICIAL) {
      expect(hex(blake3Fast(vectorInput(length))), `length ${length}`).toBe(expected);
    }
  });

  it("given the official test vectors, when noble hashes them, then the oracle agrees too", () => {
    for (const [length, expected] of OFFICIAL) {
      expect(noble(vectorInput(length)), `length ${length}`).toBe(expected);
    }
  });

  it("given every length from 0 to 2100, when hashed, then it equals noble's BLAKE3", () => {
    const data = randomBytes(2100, 1);
    for (let length = 0; length <= 2100; length++) {
      const input = data.slice(0, length);
      expect(hex(blake3Fast(input)), `length ${length}`).toBe(noble(input));
    }
  });

  it("given thousands of random inputs up to 200 KB, aligned or not, when hashed, then each equals noble's BLAKE3", () => {
    const max = 200 * 1024;
    const data = randomBytes(max + 64, 2);
    const next = rng(3);
    for (let n = 0; n < 2500; n++) {
      // Mostly lengths spread over the magnitudes, some uniform up to 200 KB.
      const length = n % 12 === 0 ? next(max + 1) : logLength(next, max);
      const offset = next(64);
      // Odd cases are views at a random byte offset; even ones fresh, aligned copies.
      const view = data.subarray(offset, offset + length);
      const input = n % 2 === 1 ? view : view.slice();
      expect(hex(blake3Fast(input)), `length ${length} offset ${offset}`).toBe(noble(input));
    }
  }, 60_000);

  it("given a digest already returned, when more inputs are hashed, then it is left unchanged", () => {
    const first = blake3Fast(vectorInput(1));
    const copy = first.slice();
    blake3Fast(vectorInput(5000));
    expect(first).toEqual(copy);
    expect(first).toHaveLength(32);
  });
});

describe("createBlake3", () => {
  it("given no update, when digested, then it is the empty-input digest", () => {
    expect(hex(createBlake3().digest())).toBe(
      "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
    );
  });

  it("given the official inputs fed in pieces of 1, 63, 64, 65 and 1024 bytes, when digested, then they match the official hashes", () => {
    for (const [length, expected] of OFFICIAL) {
      const input = vectorInput(length);
      for (const piece of [1, 63, 64, 65, 1024]) {
        if (piece === 1 && length > 9000) continue;
        const hasher = createBlake3();
        for (let i = 0; i < length; i += piece) hasher.update(input.subarray(i, i + piece));
        expect(hex(hasher.digest()), `length ${length} piece ${piece}`).toBe(expected);
      }
    }
  });

  it("given random splits with empty and unaligned pieces, when digested, then it equals the one-shot hash", () => {
    const data = randomBytes(40 * 1024, 4);
    const next = rng(5);
    for (let n = 0; n < 600; n++) {
      const length = n < 100 ? n * 23 : logLength(next, 32 * 1024);
      const start = next(1024);
      const input = data.subarray(start, start + length);
      const hasher = createBlake3();
      for (let pos = 0; pos < length; ) {
        // Piece sizes around the block and chunk sizes, and empty updates.
        const kind = next(5);
        const bound = [1, 4, 70, 1100, length - pos + 1][kind]!;
        const piece = Math.min(next(bound), length - pos);
        hasher.update(input.subarray(pos, pos + piece));
        if (next(4) === 0) hasher.update(new Uint8Array(0));
        pos += piece;
      }
      const expected = noble(input);
      expect(hex(hasher.digest()), `case ${n} length ${length} start ${start}`).toBe(expected);
      expect(hex(blake3Fast(input)), `case ${n}`).toBe(expected);
    }
  });

  it("given a digest taken midway, when more data is absorbed, then both digests match their prefixes", () => {
    const input = randomBytes(5000, 6);
    const hasher = createBlake3();
    let pos = 0;
    for (const cut of [0, 1, 64, 65, 1024, 1025, 2048, 3000, 5000]) {
      hasher.update(input.subarray(pos, cut));
      pos = cut;
      expect(hex(hasher.digest()), `prefix ${cut}`).toBe(noble(input.subarray(0, cut)));
    }
  });

  it("given two hashers and one-shot calls interleaved, when digested, then none disturbs another", () => {
    const a = randomBytes(3000, 7);
    const b = randomBytes(2500, 8);
    const ha = createBlake3();
    const hb = createBlake3();
    for (let i = 0; i < 3000; i += 500) {
      ha.update(a.subarray(i, i + 500));
      blake3Fast(b);
      hb.update(b.subarray(i, i + 500));
    }
    expect(hex(ha.digest())).toBe(noble(a));
    expect(hex(hb.digest())).toBe(noble(b));
  });

  it("given a clone taken at any point, when original and clone absorb different data, then each digest matches its own input", () => {
    const data = randomBytes(12 * 1024, 9);
    const next = rng(10);
    for (let n = 0; n < 200; n++) {
      const cut = n < 40 ? n * 97 : next(9000);
      const original = createBlake3().update(data.subarray(0, cut));
      const copy = original.clone();
      const tailA = data.subarray(cut, cut + next(3000));
      const tailB = data.subarray(cut + 500, cut + 500 + next(3000));
      original.update(tailA);
      copy.update(tailB);
      const inputA = new Uint8Array([...data.subarray(0, cut), ...tailA]);
      const inputB = new Uint8Array([...data.subarray(0, cut), ...tailB]);
      expect(hex(original.digest()), `case ${n} original`).toBe(noble(inputA));
      expect(hex(copy.digest()), `case ${n} clone`).toBe(noble(inputB));
    }
  });

  it("given two parts, when hashed with blake3Concat, then it equals the hash of their concatenation", () => {
    const data = randomBytes(5000, 11);
    for (const cut of [0, 1, 63, 64, 65, 1024, 1025, 2500, 5000]) {
      const a = data.subarray(0, cut);
      const b = data.subarray(cut);
      expect(hex(blake3Concat(a, b)), `cut ${cut}`).toBe(noble(data));
    }
  });
});
