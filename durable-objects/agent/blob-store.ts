import { blake3Hex } from "../../src/core/hash.js";

/** Texts longer than this (in UTF-16 units, ≤ 768 KiB of UTF-8) are split into chunks. */
export const CHUNK_CHARS = 256 * 1024;

/** A stored text: inline, or a list of content-addressed chunk hashes. */
export interface StoredText {
  inline: string | null;
  chunks: string | null;
}

/**
 * Stores a text so that no SQLite row exceeds 1 MiB: short texts inline, long ones as
 * content-addressed chunks (shared by every row that stores the same bytes).
 */
export function storeText(sql: SqlStorage, text: string): StoredText {
  if (text.length <= CHUNK_CHARS) return { inline: text, chunks: null };
  const hashes: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK_CHARS) {
    const part = text.slice(i, i + CHUNK_CHARS);
    const hash = blake3Hex(part);
    sql.exec("INSERT OR IGNORE INTO chunk (hash, data) VALUES (?, ?)", hash, part);
    hashes.push(hash);
  }
  return { inline: null, chunks: JSON.stringify(hashes) };
}

/** Reads back a text written by {@link storeText}. */
export function loadText(sql: SqlStorage, inline: string | null, chunks: string | null): string {
  if (inline !== null) return inline;
  if (chunks === null) throw new Error("stored text has neither inline data nor chunks");
  const hashes = JSON.parse(chunks) as string[];
  let text = "";
  for (const hash of hashes) {
    const row = sql
      .exec<{ data: string }>("SELECT data FROM chunk WHERE hash = ?", hash)
      .toArray()[0];
    if (!row) throw new Error(`missing chunk ${hash}`);
    text += row.data;
  }
  return text;
}
