import { describe, expect, it } from "vitest";
import {
  base64DecodedLength,
  base64ToText,
  decodeBase64,
  encodeBase64,
  isBase64,
  textToBase64,
} from "./base64.js";

/** Deterministic pseudo-random bytes (xorshift), so large-input tests need no randomness. */
function bytesOf(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Byte equality without a per-element deep compare (which is slow for megabytes). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

describe("isBase64", () => {
  it("given padded standard base64 of every remainder length, when checked, then it is accepted", () => {
    for (const text of ["", "QQ==", "QUI=", "QUJD", "QUJDRA==", "+/+/", "AAAA"]) {
      expect(isBase64(text), text).toBe(true);
    }
  });

  it("given base64 without its padding, when checked, then it is refused", () => {
    expect(isBase64("QQ")).toBe(false);
    expect(isBase64("QUI")).toBe(false);
    expect(isBase64("QQ=")).toBe(false);
  });

  it("given base64 with whitespace or line breaks, when checked, then it is refused", () => {
    expect(isBase64("QU JD")).toBe(false);
    expect(isBase64("QUJD\n")).toBe(false);
    expect(isBase64(" QUJD")).toBe(false);
    expect(isBase64("QUJD\r\nRA==")).toBe(false);
  });

  it("given URL-safe base64, when checked, then it is refused", () => {
    expect(isBase64("-_-_")).toBe(false);
    expect(isBase64("ab-=")).toBe(false);
    expect(isBase64("ab_=")).toBe(false);
  });

  it("given misplaced or excess padding or foreign characters, when checked, then it is refused", () => {
    expect(isBase64("Q===")).toBe(false);
    expect(isBase64("=QUJ")).toBe(false);
    expect(isBase64("QQ==QUJD")).toBe(false);
    expect(isBase64("QUJD====")).toBe(false);
    expect(isBase64("QUJ*")).toBe(false);
    expect(isBase64("A")).toBe(false);
  });
});

describe("base64DecodedLength", () => {
  it("given valid base64, when measured, then it equals the decoded byte count", () => {
    for (let n = 0; n <= 9; n++) {
      const b64 = encodeBase64(bytesOf(n));
      expect(base64DecodedLength(b64), b64).toBe(n);
      expect(decodeBase64(b64)).toHaveLength(n);
    }
  });

  it("given a 1 MiB payload, when measured, then it is exactly 1 MiB without decoding", () => {
    const b64 = encodeBase64(new Uint8Array(1024 * 1024));
    expect(base64DecodedLength(b64)).toBe(1024 * 1024);
  });
});

describe("encodeBase64 and decodeBase64", () => {
  it("given known bytes, when encoded, then the output is the RFC 4648 form", () => {
    const enc = (s: string) => encodeBase64(new TextEncoder().encode(s));
    expect(enc("")).toBe("");
    expect(enc("f")).toBe("Zg==");
    expect(enc("fo")).toBe("Zm8=");
    expect(enc("foo")).toBe("Zm9v");
    expect(enc("foobar")).toBe("Zm9vYmFy");
    expect(encodeBase64(new Uint8Array([0xfb, 0xff]))).toBe("+/8=");
  });

  it("given the empty input, when round-tripped, then it stays empty", () => {
    expect(encodeBase64(new Uint8Array(0))).toBe("");
    expect(decodeBase64("")).toEqual(new Uint8Array(0));
  });

  it("given all 256 byte values, when round-tripped, then the bytes are unchanged", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const b64 = encodeBase64(all);
    expect(isBase64(b64)).toBe(true);
    expect(decodeBase64(b64)).toEqual(all);
  });

  it("given an input larger than one encoding chunk, when round-tripped, then the bytes are unchanged and match Node's encoder", () => {
    const big = bytesOf(3 * 0x8000 + 7);
    const b64 = encodeBase64(big);
    expect(b64).toBe(Buffer.from(big).toString("base64"));
    expect(sameBytes(decodeBase64(b64), big)).toBe(true);
  });

  it("given a 2 MiB input, when round-tripped, then the bytes are unchanged", () => {
    const big = bytesOf(2 * 1024 * 1024, 7);
    const decoded = decodeBase64(encodeBase64(big));
    expect(decoded).toHaveLength(big.length);
    expect(sameBytes(decoded, big)).toBe(true);
  });
});

describe("textToBase64 and base64ToText", () => {
  it("given UTF-8 text with non-ASCII characters, when round-tripped, then the text is unchanged", () => {
    for (const text of ["", "hello", "héllo ☃ 🦀", "line\nbreak\u0000nul"]) {
      const b64 = textToBase64(text);
      expect(isBase64(b64)).toBe(true);
      expect(base64ToText(b64)).toBe(text);
    }
  });

  it("given text, when encoded, then the payload is the base64 of its UTF-8 bytes", () => {
    expect(textToBase64("é")).toBe("w6k=");
  });

  it("given bytes that are not valid UTF-8, when decoded as text, then they become U+FFFD", () => {
    expect(base64ToText(encodeBase64(new Uint8Array([0x61, 0xff, 0x62])))).toBe("a\ufffdb");
  });
});
