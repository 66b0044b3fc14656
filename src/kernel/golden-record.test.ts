import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RecordEntry } from "../core/record.js";
import { startVerify, type VerifyState, verifyNext } from "./verify.js";
import { DEFAULT_WINDOW_SIZE } from "./version.js";

/**
 * A record produced by the real stack (two mock turns, an idempotent trigger and a system
 * transaction with non-ASCII JSON), checked in. If the kernel's hashing or canonical form
 * changes, this is where it shows.
 */
const golden: RecordEntry[] = RecordEntry.array().parse(
  JSON.parse(
    readFileSync(new URL("../../test/fixtures/golden-record.json", import.meta.url), "utf8"),
  ),
);

function verifyAll(entries: readonly RecordEntry[]): VerifyState {
  return entries.reduce(verifyNext, startVerify(DEFAULT_WINDOW_SIZE));
}

describe("the golden record", () => {
  it("verifies entry by entry through the kernel's replay", () => {
    const state = verifyAll(golden);
    expect(state.firstBad).toBeUndefined();
    expect(state.checked).toBe(golden.length);
    expect(state.chain.headHash).toBe(golden.at(-1)?.hash);
  });

  it("names the seq of any single altered stored field", () => {
    const alterations: Array<[string, (e: RecordEntry) => RecordEntry]> = [
      ["ts_ms", (e) => ({ ...e, tx: { ...e.tx, ts_ms: e.tx.ts_ms + 1 } })],
      ["payload", (e) => ({ ...e, tx: { ...e.tx, payload: `${e.tx.payload}AAAA` } })],
      ["context_hash", (e) => ({ ...e, context_hash: "0".repeat(64) })],
      ["hash", (e) => ({ ...e, hash: "f".repeat(64) })],
      ["proposals", (e) => ({ ...e, proposals: { proposals: [], trace: "x" } })],
    ];
    for (let k = 1; k <= golden.length; k++) {
      for (const [field, alter] of alterations) {
        const tampered = golden.map((e) => (e.seq === k ? alter(e) : e));
        expect(verifyAll(tampered).firstBad?.seq, `${field} at seq ${k}`).toBe(k);
      }
    }
  });
});
