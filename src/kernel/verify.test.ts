import { describe, expect, it } from "vitest";
import type { RecordEntry } from "../core/record.js";
import { sealEntry } from "./chain.js";
import { fixtureChain, resealChainFrom } from "./chain-fixture.js";
import { startVerify, type VerifyState, verifyMalformed, verifyNext } from "./verify.js";
import { KERNEL_VERSION } from "./version.js";

const LENGTH = 200;
const WINDOW = 50;

function verifyAll(entries: readonly RecordEntry[], windowSize = WINDOW): VerifyState {
  return entries.reduce(verifyNext, startVerify(windowSize));
}

/** Replaces entry `k` (1-based) with `make(entry)`. */
function replaceAt(
  entries: readonly RecordEntry[],
  k: number,
  make: (e: RecordEntry) => RecordEntry,
): RecordEntry[] {
  return entries.map((e, i) => (i === k - 1 ? make(e) : e));
}

/** Re-hashes an entry after changing it, as a forger who knows the hash function would. */
function reseal(entry: RecordEntry): RecordEntry {
  const { hash: _, ...unsealed } = entry;
  return sealEntry(unsealed);
}

describe("verifyNext over an untouched chain", () => {
  it("given an untouched chain of 200 entries, when verified, then every entry checks out", () => {
    const result = verifyAll(fixtureChain(LENGTH, WINDOW));
    expect(result.firstBad).toBeUndefined();
    expect(result.checked).toBe(LENGTH);
    expect(result.chain.headSeq).toBe(LENGTH);
  });

  it("given an empty record, when verified, then nothing is checked and nothing is bad", () => {
    const result = verifyAll([]);
    expect(result).toEqual(startVerify(WINDOW));
    expect(result.checked).toBe(0);
  });

  it("given a chain verified page by page, when the pages are fed in order, then the result equals verifying it in one pass", () => {
    const chain = fixtureChain(LENGTH, WINDOW);
    let state = startVerify(WINDOW);
    for (let from = 0; from < LENGTH; from += 33) {
      state = chain.slice(from, from + 33).reduce(verifyNext, state);
    }
    expect(state).toEqual(verifyAll(chain));
  });
});

describe("verifyNext over a tampered chain", () => {
  const chain = fixtureChain(LENGTH, WINDOW);

  for (const k of [1, 2, 50, 51, 52, 120, 200]) {
    it(`given entry ${k}'s payload changed in place, when verified, then the first bad seq is ${k} with hash_mismatch`, () => {
      const tampered = replaceAt(chain, k, (e) => ({
        ...e,
        tx: { ...e.tx, payload: `${e.tx.payload[0] === "A" ? "B" : "A"}${e.tx.payload.slice(1)}` },
      }));
      const result = verifyAll(tampered);
      expect(result.firstBad?.seq).toBe(k);
      expect(result.firstBad?.reason).toBe("hash_mismatch");
      expect(result.checked).toBe(k - 1);
    });
  }

  it("given entry 64's ts_ms changed in place, when verified, then the first bad seq is 64 with hash_mismatch", () => {
    const result = verifyAll(replaceAt(chain, 64, (e) => ({ ...e, tx: { ...e.tx, ts_ms: 0 } })));
    expect(result.firstBad).toMatchObject({ seq: 64, reason: "hash_mismatch" });
  });

  it("given entry 30's proposals changed in place, when verified, then the first bad seq is 30 with hash_mismatch", () => {
    const result = verifyAll(replaceAt(chain, 30, (e) => ({ ...e, proposals: { proposals: [] } })));
    expect(result.firstBad).toMatchObject({ seq: 30, reason: "hash_mismatch" });
  });

  it("given entry 77's stored hash overwritten, when verified, then the first bad seq is 77 with hash_mismatch", () => {
    const result = verifyAll(replaceAt(chain, 77, (e) => ({ ...e, hash: "f".repeat(64) })));
    expect(result.firstBad).toMatchObject({ seq: 77, reason: "hash_mismatch" });
  });

  it("given entry 88's transaction changed and the entry re-hashed alone, when verified, then the first bad seq is 88 with context_hash_mismatch", () => {
    const tampered = replaceAt(chain, 88, (e) =>
      reseal({ ...e, tx: { ...e.tx, ts_ms: e.tx.ts_ms + 1 } }),
    );
    expect(verifyAll(tampered).firstBad).toMatchObject({
      seq: 88,
      reason: "context_hash_mismatch",
    });
  });

  it("given entry 90's context hash replaced and re-hashed, when verified, then the first bad seq is 90 with context_hash_mismatch", () => {
    const tampered = replaceAt(chain, 90, (e) => reseal({ ...e, context_hash: "a".repeat(64) }));
    expect(verifyAll(tampered).firstBad).toMatchObject({
      seq: 90,
      reason: "context_hash_mismatch",
    });
  });

  it("given entry 45's proposals changed and re-hashed alone, when verified, then the next entry 46 breaks with prev_hash_mismatch", () => {
    const tampered = replaceAt(chain, 45, (e) => reseal({ ...e, proposals: { proposals: [] } }));
    const result = verifyAll(tampered);
    expect(result.firstBad).toMatchObject({ seq: 46, reason: "prev_hash_mismatch" });
    expect(result.checked).toBe(45);
  });

  it("given entry 120's prev_hash replaced and re-hashed, when verified, then the first bad seq is 120 with prev_hash_mismatch", () => {
    const tampered = replaceAt(chain, 120, (e) => reseal({ ...e, prev_hash: "b".repeat(64) }));
    expect(verifyAll(tampered).firstBad).toMatchObject({ seq: 120, reason: "prev_hash_mismatch" });
  });

  it("given entry 15 removed, when verified, then the first bad seq is 15 with seq_gap", () => {
    const result = verifyAll(chain.filter((e) => e.seq !== 15));
    expect(result.firstBad).toMatchObject({ seq: 15, reason: "seq_gap" });
    expect(result.firstBad?.message).toContain("found 16");
  });

  it("given entry 15 duplicated, when verified, then the first bad seq is 16 with seq_gap", () => {
    const duplicated = [...chain.slice(0, 15), chain[14] as RecordEntry, ...chain.slice(15)];
    expect(verifyAll(duplicated).firstBad).toMatchObject({ seq: 16, reason: "seq_gap" });
  });

  it("given entry 8's seq renumbered and re-hashed, when verified, then the first bad seq is 8 with seq_gap", () => {
    const tampered = replaceAt(chain, 8, (e) => reseal({ ...e, seq: 9 }));
    expect(verifyAll(tampered).firstBad).toMatchObject({ seq: 8, reason: "seq_gap" });
  });

  it("given entry 5 claiming a newer kernel version, when verified, then the first bad seq is 5 with kernel_version_unknown", () => {
    const tampered = replaceAt(chain, 5, (e) =>
      reseal({ ...e, kernel_version: KERNEL_VERSION + 1 }),
    );
    expect(verifyAll(tampered).firstBad).toMatchObject({
      seq: 5,
      reason: "kernel_version_unknown",
    });
  });

  it("given entry 12 carrying a field the kernel does not produce, when verified, then the first bad seq is 12 with replay_mismatch", () => {
    const tampered = replaceAt(chain, 12, (e) => reseal({ ...e, note: "injected" } as RecordEntry));
    expect(verifyAll(tampered).firstBad).toMatchObject({ seq: 12, reason: "replay_mismatch" });
  });

  it("given a chain rewritten consistently by the kernel from entry 60, when verified, then it checks out but its head hash differs", () => {
    const forged = resealChainFrom(
      replaceAt(chain, 60, (e) => ({ ...e, tx: { ...e.tx, ts_ms: e.tx.ts_ms + 1 } })),
      59,
      WINDOW,
    );
    const result = verifyAll(forged);
    expect(result.firstBad).toBeUndefined();
    expect(result.chain.headHash).not.toBe(verifyAll(chain).chain.headHash);
  });

  it("given a failure at entry 10, when later entries are fed, then they are not checked and the first failure stays", () => {
    const tampered = replaceAt(chain, 10, (e) => ({ ...e, hash: "0".repeat(64) }));
    const atFailure = verifyAll(tampered.slice(0, 10));
    const atEnd = verifyAll(tampered);
    expect(atEnd).toEqual(atFailure);
    expect(atEnd.checked).toBe(9);
  });
});

describe("verification window", () => {
  for (const [built, verifiedWith] of [
    [5, 4],
    [5, 6],
    [5, 50],
    [3, 1],
  ] as const) {
    const firstBad = Math.min(built, verifiedWith) + 2;
    it(`given a chain built with window ${built}, when verified with window ${verifiedWith}, then seq ${firstBad} is the first context_hash_mismatch`, () => {
      const result = verifyAll(fixtureChain(40, built), verifiedWith);
      expect(result.firstBad).toMatchObject({ seq: firstBad, reason: "context_hash_mismatch" });
      expect(result.checked).toBe(firstBad - 1);
    });
  }
});

describe("verifyMalformed", () => {
  it("given an unreadable row after 3 good entries, when marked malformed, then seq 4 is the first bad with malformed_entry", () => {
    const state = verifyAll(fixtureChain(3, WINDOW));
    const result = verifyMalformed(state, "row 4 does not parse");
    expect(result.firstBad).toEqual({
      seq: 4,
      reason: "malformed_entry",
      message: "row 4 does not parse",
    });
  });

  it("given a verification that already failed, when a malformed row follows, then the first failure is kept", () => {
    const chain = fixtureChain(3, WINDOW);
    const failed = verifyAll(replaceAt(chain, 2, (e) => ({ ...e, hash: "c".repeat(64) })));
    expect(verifyMalformed(failed, "later")).toBe(failed);
  });
});
