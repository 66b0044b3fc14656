import type { RecordEntry } from "../core/record.js";
import { fixtureChain } from "../kernel/chain-fixture.js";
import { EXPORT_FORMAT, type ExportHeader } from "../protocol/record-export.js";

/**
 * Test fixture: the export of a fixture chain (the kernel's own `step`), as its header, its
 * entries and its NDJSON text. Not used at runtime.
 */
export function fixtureExport(length: number, windowSize = 4) {
  const entries = fixtureChain(length, windowSize);
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    version: 1,
    agent_id: "a".repeat(64),
    created_at: 1_700_000_000_000,
    status: "active",
    window_size: windowSize,
    head_seq: length,
    head_hash: entries.at(-1)?.hash ?? "0".repeat(64),
    settings: { name: "fixture" },
    exported_at: 1_700_000_100_000,
  };
  return { header, entries, text: ndjson(header, entries) };
}

/** A header and entries as NDJSON text, each line ending in a newline. */
export function ndjson(header: unknown, entries: readonly (RecordEntry | unknown)[]): string {
  return [header, ...entries].map((value) => `${JSON.stringify(value)}\n`).join("");
}

/** Text as a stream of chunks of `size` bytes. */
export async function* chunked(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}
