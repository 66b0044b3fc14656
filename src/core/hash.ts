import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { blake3Fast } from "./blake3-fast.js";
import { canonicalJson } from "./canonical-json.js";

/** The `prev_hash` of the first entry of every record: 32 zero bytes in hex. */
export const ZERO_HASH = "0".repeat(64);

/** BLAKE3 digest (32 bytes) of a UTF-8 string or raw bytes. */
export function blake3Bytes(data: string | Uint8Array): Uint8Array {
  return blake3Fast(typeof data === "string" ? utf8ToBytes(data) : data);
}

/** Lowercase hex BLAKE3 digest of a UTF-8 string or raw bytes. */
export function blake3Hex(data: string | Uint8Array): string {
  return bytesToHex(blake3Bytes(data));
}

/**
 * BLAKE3 over the canonical JSON of a value: the one way the project hashes structured data.
 *
 * @example
 * hashCanonical({ a: 1 }) === hashCanonical({ a: 1 }) // always true
 */
export function hashCanonical(value: unknown): string {
  return blake3Hex(canonicalJson(value));
}

/** Decodes lowercase hex into bytes; callers validate the format first. */
export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export { bytesToHex };
