import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";
import {
  blake3Bytes,
  blake3Hex,
  bytesToHex,
  hashCanonical,
  hexToBytes,
  ZERO_HASH,
} from "./hash.js";

/** Official BLAKE3 test-vector input: byte i is i mod 251. */
function vectorInput(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = i % 251;
  return bytes;
}

describe("blake3", () => {
  it("given the empty input, when hashed, then it matches the official BLAKE3 vector", () => {
    const expected = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";
    expect(blake3Hex("")).toBe(expected);
    expect(blake3Hex(new Uint8Array(0))).toBe(expected);
  });

  it("given the official one-byte and 1024-byte inputs, when hashed, then they match the BLAKE3 vectors", () => {
    expect(blake3Hex(vectorInput(1))).toBe(
      "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213",
    );
    expect(blake3Hex(vectorInput(1024))).toBe(
      "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7",
    );
  });

  it("given a string, when hashed, then it is the hash of its UTF-8 bytes", () => {
    const text = "héllo 🦀";
    expect(blake3Hex(text)).toBe(blake3Hex(new TextEncoder().encode(text)));
    expect(blake3Hex("abc")).toBe(
      "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
    );
  });

  it("given any input, when hashed, then the digest is 32 bytes shown as 64 lowercase hex characters", () => {
    expect(blake3Bytes("x")).toHaveLength(32);
    expect(blake3Hex("x")).toMatch(/^[0-9a-f]{64}$/);
    expect(bytesToHex(blake3Bytes("x"))).toBe(blake3Hex("x"));
  });
});

describe("hashCanonical", () => {
  it("given a value, when hashed, then it is the BLAKE3 of its canonical JSON", () => {
    const value = { b: [1, 2], a: "x" };
    expect(hashCanonical(value)).toBe(blake3Hex(canonicalJson(value)));
    expect(hashCanonical(value)).toBe(blake3Hex('{"a":"x","b":[1,2]}'));
  });

  it("given equal values with different key orders, when hashed, then the hashes are equal", () => {
    expect(hashCanonical({ a: 1, b: { c: 2, d: 3 } })).toBe(
      hashCanonical({ b: { d: 3, c: 2 }, a: 1 }),
    );
  });

  it("given values that differ in one leaf, when hashed, then the hashes differ", () => {
    expect(hashCanonical({ a: 1, b: [1, 2] })).not.toBe(hashCanonical({ a: 1, b: [2, 1] }));
    expect(hashCanonical({ a: "1" })).not.toBe(hashCanonical({ a: 1 }));
  });

  it("given the same value hashed twice, when compared, then the result is stable", () => {
    const value = { tx: { agent_id: "a".repeat(64), ts_ms: 1 }, n: [null, true] };
    expect(hashCanonical(value)).toBe(hashCanonical(structuredClone(value)));
  });
});

describe("ZERO_HASH and hex helpers", () => {
  it("given ZERO_HASH, when inspected, then it is 32 zero bytes in hex", () => {
    expect(ZERO_HASH).toBe("0".repeat(64));
    expect(hexToBytes(ZERO_HASH)).toEqual(new Uint8Array(32));
  });

  it("given lowercase hex, when decoded and re-encoded, then it round-trips", () => {
    const hex = blake3Hex("round trip");
    expect(bytesToHex(hexToBytes(hex))).toBe(hex);
    expect(hexToBytes("00ff10")).toEqual(new Uint8Array([0, 255, 16]));
  });
});
