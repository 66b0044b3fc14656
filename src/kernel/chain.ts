import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { blake3Concat, blake3Fast } from "../core/blake3-fast.js";
import { canonicalJson } from "../core/canonical-json.js";
import type { RecordEntry, Transaction, UnsealedEntry } from "../core/record.js";
import { utf8 } from "./utf8.js";

/**
 * `context_hash = BLAKE3(canonical(tx) ‖ context_hash of each entry in the window)`, the
 * window being the context hashes of the entries just before this one, oldest first, each
 * taken as its 32 raw bytes. The window is given as those bytes concatenated, or as hex.
 */
export function contextHash(tx: Transaction, window: Uint8Array | readonly string[]): string {
  return contextHashOf(canonicalJson(tx), windowBytes(window));
}

/** {@link contextHash} over an already canonical transaction text. */
export function contextHashOf(canonicalTx: string, window: Uint8Array): string {
  return bytesToHex(blake3Concat(utf8(canonicalTx), window));
}

/** `hash = BLAKE3(canonical(entry without hash))`. */
export function entryHash(entry: UnsealedEntry): string {
  return bytesToHex(blake3Fast(utf8(canonicalJson(entry))));
}

/** Seals an entry with its own hash. */
export function sealEntry(entry: UnsealedEntry): RecordEntry {
  return { ...entry, hash: entryHash(entry) };
}

/** Window hashes (hex) as the concatenated raw bytes the context hash folds. */
export function windowBytes(window: Uint8Array | readonly string[]): Uint8Array {
  if (window instanceof Uint8Array) return window;
  const out = new Uint8Array(window.length * 32);
  window.forEach((h, i) => {
    out.set(hexToBytes(h), i * 32);
  });
  return out;
}

/** The hex context hashes held in a window's bytes, oldest first. */
export function windowHashes(window: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < window.length; i += 32) out.push(bytesToHex(window.subarray(i, i + 32)));
  return out;
}
