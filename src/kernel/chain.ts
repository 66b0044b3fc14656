import { canonicalJson } from "../core/canonical-json.js";
import { blake3Hex, hashCanonical, hexToBytes } from "../core/hash.js";
import type { RecordEntry, Transaction, UnsealedEntry } from "../core/record.js";
import { utf8 } from "./utf8.js";

/**
 * `context_hash = BLAKE3(canonical(tx) ‖ context_hash of each entry in the window)`, the
 * window being the context hashes of the entries just before this one, oldest first, each
 * taken as its 32 raw bytes.
 */
export function contextHash(tx: Transaction, window: readonly string[]): string {
  const txBytes = utf8(canonicalJson(tx));
  const buf = new Uint8Array(txBytes.length + window.length * 32);
  buf.set(txBytes, 0);
  let offset = txBytes.length;
  for (const h of window) {
    buf.set(hexToBytes(h), offset);
    offset += 32;
  }
  return blake3Hex(buf);
}

/** `hash = BLAKE3(canonical(entry without hash))`. */
export function entryHash(entry: UnsealedEntry): string {
  return hashCanonical(entry);
}

/** Seals an entry with its own hash. */
export function sealEntry(entry: UnsealedEntry): RecordEntry {
  return { ...entry, hash: entryHash(entry) };
}
