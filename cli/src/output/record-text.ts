import type { RecordEntry } from "../../../src/core/record.js";

/**
 * The first 12 hex of a hash, as lists show it.
 *
 * @example
 * shortHash("3f2a9c…"); // "3f2a9c0b1d2e"
 */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/**
 * An entry's payload as one line of text (at most `max` characters): the UTF-8 text of
 * prompts and replies, compact JSON for structured payloads.
 *
 * @example
 * entryText(entry); // "write proof.txt"
 */
export function entryText(entry: RecordEntry, max = 200): string {
  const text = Buffer.from(entry.tx.payload, "base64").toString("utf8").replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * One record entry as a row: seq, type, short hash, and its text.
 *
 * @example
 * recordRow(entry); // { seq: 2, tx_type: "user_prompt", hash: "3f2a9c0b1d2e", text: "hi" }
 */
export function recordRow(entry: RecordEntry): Record<string, unknown> {
  return {
    seq: entry.seq,
    tx_type: entry.tx.tx_type,
    hash: shortHash(entry.hash),
    text: entryText(entry, 120),
  };
}
