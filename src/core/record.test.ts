import { describe, expect, it } from "vitest";
import { initialChainState, step } from "../kernel/step.js";
import { canonicalJson } from "./canonical-json.js";
import { blake3Hex } from "./hash.js";
import {
  CLIENT_TX_TYPES,
  ClientTxType,
  RecordEntry,
  Transaction,
  TX_TYPES,
  TxType,
} from "./record.js";

const AGENT = blake3Hex("agent");

function tx(overrides: Partial<Transaction> = {}): Transaction {
  return {
    hash: blake3Hex("tx"),
    agent_id: AGENT,
    ts_ms: 1_700_000_000_000,
    tx_type: "user_prompt",
    payload: "aGVsbG8=",
    ...overrides,
  };
}

function entry(): RecordEntry {
  const e = step(initialChainState(50), tx({ reference_tx_hash: blake3Hex("ref") }), {
    proposals: {
      proposals: [
        { action_kind: "reason", payload: { prompt: "hi", n: [1, null] }, rationale: "why" },
      ],
      trace: { model: "mock", latency_ms: 3 },
    },
    decision: { accepted_action_ids: ["a1"], rejected: [{ proposal_index: 1, reason: "no" }] },
    actions: [{ action_id: "a1", kind: "reason", payload: { text: "é" } }],
    effects: [{ action_id: "a1", kind: "reason", status: "committed", payload: null }],
  });
  return e;
}

describe("Transaction schema", () => {
  it("given a transaction, when parsed, encoded canonically and parsed again, then it is identical", () => {
    const original = tx({ reference_tx_hash: blake3Hex("r"), idempotency_key: "key-1" });
    const once = Transaction.parse(original);
    const twice = Transaction.parse(JSON.parse(canonicalJson(once)));
    expect(twice).toEqual(once);
    expect(canonicalJson(twice)).toBe(canonicalJson(original));
  });

  it("given a transaction without optional fields, when round-tripped, then no optional field appears", () => {
    const parsed = Transaction.parse(JSON.parse(canonicalJson(tx())));
    expect(Object.keys(parsed).sort()).toEqual(["agent_id", "hash", "payload", "ts_ms", "tx_type"]);
  });

  it("given ids that are not 64 lowercase hex characters, when parsed, then they are refused", () => {
    const bad = ["A".repeat(64), "a".repeat(63), "a".repeat(65), "g".repeat(64), ""];
    for (const id of bad) {
      expect(Transaction.safeParse(tx({ agent_id: id })).success, `agent_id ${id}`).toBe(false);
      expect(Transaction.safeParse(tx({ hash: id })).success, `hash ${id}`).toBe(false);
      expect(Transaction.safeParse(tx({ reference_tx_hash: id })).success, `ref ${id}`).toBe(false);
    }
  });

  it("given a payload that is not standard padded base64, when parsed, then it is refused", () => {
    for (const payload of ["aGVsbG8", "aGVs bG8=", "a-_=", "!!!!"]) {
      expect(Transaction.safeParse(tx({ payload })).success, payload).toBe(false);
    }
  });

  it("given a negative or fractional ts_ms, an unknown tx_type or an extra field, when parsed, then it is refused", () => {
    expect(Transaction.safeParse(tx({ ts_ms: -1 })).success).toBe(false);
    expect(Transaction.safeParse(tx({ ts_ms: 1.5 })).success).toBe(false);
    expect(Transaction.safeParse({ ...tx(), tx_type: "shell" }).success).toBe(false);
    expect(Transaction.safeParse({ ...tx(), extra: 1 }).success).toBe(false);
  });

  it("given an empty or over-long idempotency key, when parsed, then it is refused", () => {
    expect(Transaction.safeParse(tx({ idempotency_key: "" })).success).toBe(false);
    expect(Transaction.safeParse(tx({ idempotency_key: "k".repeat(257) })).success).toBe(false);
    expect(Transaction.safeParse(tx({ idempotency_key: "k".repeat(256) })).success).toBe(true);
  });
});

describe("transaction kinds", () => {
  it("given the kernel's kinds, when listed, then they are the ten of the data model", () => {
    expect([...TX_TYPES].sort()).toEqual(
      [
        "user_prompt",
        "agent_msg",
        "trigger",
        "action_result",
        "system",
        "session_start",
        "tool_proposal",
        "tool_execution",
        "process_complete",
        "reasoning",
      ].sort(),
    );
  });

  it("given the client kinds, when checked, then only the first five are accepted from clients", () => {
    expect([...CLIENT_TX_TYPES]).toEqual([
      "user_prompt",
      "agent_msg",
      "trigger",
      "action_result",
      "system",
    ]);
    for (const kind of TX_TYPES) {
      expect(TxType.safeParse(kind).success, kind).toBe(true);
      const isClient = (CLIENT_TX_TYPES as readonly string[]).includes(kind);
      expect(ClientTxType.safeParse(kind).success, kind).toBe(isClient);
    }
    for (const kind of ["session_start", "tool_proposal", "tool_execution", "reasoning"]) {
      expect(ClientTxType.safeParse(kind).success, kind).toBe(false);
    }
  });
});

describe("RecordEntry schema", () => {
  it("given a sealed entry with proposals, decision, actions and effects, when round-tripped through canonical JSON, then it is identical", () => {
    const original = entry();
    const once = RecordEntry.parse(original);
    const twice = RecordEntry.parse(JSON.parse(canonicalJson(once)));
    expect(twice).toEqual(original);
    expect(canonicalJson(twice)).toBe(canonicalJson(original));
  });

  it("given an entry with a bad hash, prev_hash or context_hash, when parsed, then it is refused", () => {
    for (const field of ["hash", "prev_hash", "context_hash"] as const) {
      expect(RecordEntry.safeParse({ ...entry(), [field]: "XYZ" }).success, field).toBe(false);
      expect(RecordEntry.safeParse({ ...entry(), [field]: "AB".repeat(32) }).success, field).toBe(
        false,
      );
    }
  });

  it("given an entry with seq 0, an unknown action kind or effect status, when parsed, then it is refused", () => {
    const e = entry();
    expect(RecordEntry.safeParse({ ...e, seq: 0 }).success).toBe(false);
    expect(
      RecordEntry.safeParse({ ...e, actions: [{ action_id: "a", kind: "shell", payload: 1 }] })
        .success,
    ).toBe(false);
    expect(
      RecordEntry.safeParse({
        ...e,
        effects: [{ action_id: "a", kind: "reason", status: "done", payload: 1 }],
      }).success,
    ).toBe(false);
  });
});
