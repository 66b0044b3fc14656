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

/**
 * A record row as one terminal line of fixed columns (seq, type, hash), the text cut to fit
 * `width`: rows printed one by one (`--follow`) line up without knowing the rows to come.
 *
 * @example
 * recordLine({ seq: 2, tx_type: "user_prompt", hash: "3f2a9c0b1d2e", text: "hi" }, 80);
 * // "     2  user_prompt       3f2a9c0b1d2e  hi"
 */
export function recordLine(row: Record<string, unknown>, width: number): string {
  const head = `${String(row.seq).padStart(6)}  ${String(row.tx_type).padEnd(16)}  ${String(row.hash).padEnd(12)}  `;
  const room = Math.max(0, width - head.length);
  const text = String(row.text ?? "");
  return `${head}${text.length > room ? `${text.slice(0, Math.max(0, room - 1))}…` : text}`.trimEnd();
}
