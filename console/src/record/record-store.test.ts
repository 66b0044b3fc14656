import { describe, expect, it } from "vitest";
import type { RecordEntry } from "../../../src/core/record.js";
import { type AgentsApi, RECORD_PAGE } from "../api/agents-api.js";
import { RecordStore } from "./record-store.js";

function entryAt(seq: number): RecordEntry {
  return {
    seq,
    tx: { tx_type: "trigger", payload: "", ts_ms: seq },
    hash: seq.toString(16).padStart(64, "0"),
  } as unknown as RecordEntry;
}

/**
 * A record of `head` entries behind `AgentsApi.record`, answering only when the test says so,
 * and noting every read (`from`, `limit`).
 */
function fakeApi(head: () => number) {
  const reads: Array<{ from: number; limit: number }> = [];
  const waiting: Array<() => void> = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const api = {
    record: async (_agentId: string, from: number, limit = RECORD_PAGE) => {
      reads.push({ from, limit });
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight -= 1;
      const to = Math.min(head(), from + Math.min(limit, RECORD_PAGE) - 1);
      return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => entryAt(from + i));
    },
  } as unknown as AgentsApi;
  /** Answers every read waiting now, and those they lead to, until none is left. */
  const answerAll = async () => {
    for (let i = 0; i < 1000; i++) {
      await new Promise((r) => setTimeout(r, 0));
      const now = waiting.splice(0);
      if (now.length === 0) return;
      for (const answer of now) answer();
    }
  };
  return { api, reads, answerAll, mostInFlight: () => mostInFlight };
}

describe("the console's record store", () => {
  it("lists every row at once, reads the newest page first and a few pages at a time", async () => {
    const fake = fakeApi(() => 10_000);
    const store = new RecordStore(fake.api, "a".repeat(64), () => undefined);
    const loading = store.load(10_000);
    expect(store.rows.length).toBe(10_000);
    expect(store.read).toBe(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(fake.reads).toHaveLength(1);
    await fake.answerAll();
    await loading;
    expect(fake.reads[0]).toEqual({ from: 9001, limit: 1000 });
    // The newest page was read alone, then the next ones newest first
    expect(fake.reads[1]?.from).toBe(8001);
    expect(fake.reads.map((r) => r.from).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, k) => k * 1000 + 1),
    );
    expect(fake.mostInFlight()).toBeGreaterThan(1);
    expect(fake.mostInFlight()).toBeLessThanOrEqual(4);
    expect(store.read).toBe(10_000);
    expect(store.list().map((r) => r.seq)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
  });

  it("reads only the entries announced by frames that it has not read, once each", async () => {
    let head = 1500;
    const fake = fakeApi(() => head);
    const store = new RecordStore(fake.api, "a".repeat(64), () => undefined);
    const loading = store.load(1500);
    await fake.answerAll();
    await loading;
    const before = fake.reads.length;
    head = 1503;
    for (const seq of [1501, 1502, 1503]) {
      store.onRecordFrame({ seq, tx_type: "trigger", hash: seq.toString(16).padStart(64, "0") });
    }
    expect(store.rows.length).toBe(1503);
    await fake.answerAll();
    const later = fake.reads.slice(before);
    expect(later[0]).toEqual({ from: 1501, limit: 500 });
    // Every seq is read at most once past the load
    const seen = new Set<number>();
    for (const r of later) {
      for (let s = r.from; s < Math.min(r.from + r.limit, 1504); s++) {
        expect(seen.has(s)).toBe(false);
        seen.add(s);
      }
    }
    expect(store.read).toBe(1503);
  });

  it("keeps a row a frame announced while its page is read, and counts each entry once", async () => {
    const fake = fakeApi(() => 3);
    const store = new RecordStore(fake.api, "a".repeat(64), () => undefined);
    const loading = store.load(2);
    store.onRecordFrame({ seq: 3, tx_type: "trigger", hash: "3".padStart(64, "0") });
    await fake.answerAll();
    await loading;
    expect(store.rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(store.read).toBe(3);
    expect(store.entry(3)?.seq).toBe(3);
  });
});
