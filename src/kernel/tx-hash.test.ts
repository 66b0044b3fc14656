import { describe, expect, it } from "vitest";
import { blake3Hex, hashCanonical } from "../core/hash.js";
import { admissionTxHash, derivedTransaction, derivedTxHash } from "./tx-hash.js";

const AGENT_A = blake3Hex("agent a");
const AGENT_B = blake3Hex("agent b");

const base = {
  agent_id: AGENT_A,
  tx_type: "user_prompt" as const,
  payload: "aGk=",
  ts_ms: 1_700_000_000_000,
  admission: 1,
};

describe("admissionTxHash", () => {
  it("given an idempotency key, when anything but agent and key changes, then the id stays the same", () => {
    const id = admissionTxHash({ ...base, idempotency_key: "k1" });
    expect(admissionTxHash({ ...base, idempotency_key: "k1", payload: "Ynll" })).toBe(id);
    expect(admissionTxHash({ ...base, idempotency_key: "k1", ts_ms: 1 })).toBe(id);
    expect(admissionTxHash({ ...base, idempotency_key: "k1", admission: 99 })).toBe(id);
    expect(admissionTxHash({ ...base, idempotency_key: "k1", tx_type: "trigger" })).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("given an idempotency key, when the agent or the key changes, then the id changes", () => {
    const id = admissionTxHash({ ...base, idempotency_key: "k1" });
    expect(admissionTxHash({ ...base, idempotency_key: "k2" })).not.toBe(id);
    expect(admissionTxHash({ ...base, agent_id: AGENT_B, idempotency_key: "k1" })).not.toBe(id);
  });

  it("given no idempotency key, when the same transaction is admitted twice, then the admission counter makes the ids unique", () => {
    const ids = new Set(
      Array.from({ length: 1000 }, (_, n) => admissionTxHash({ ...base, admission: n + 1 })),
    );
    expect(ids.size).toBe(1000);
  });

  it("given no idempotency key, when identical inputs are hashed again, then the id is reproducible", () => {
    expect(admissionTxHash({ ...base })).toBe(admissionTxHash({ ...base }));
  });

  it("given no idempotency key, when the agent, kind, payload or time changes, then the id changes", () => {
    const id = admissionTxHash(base);
    expect(admissionTxHash({ ...base, agent_id: AGENT_B })).not.toBe(id);
    expect(admissionTxHash({ ...base, tx_type: "system" })).not.toBe(id);
    expect(admissionTxHash({ ...base, payload: "Ynll" })).not.toBe(id);
    expect(admissionTxHash({ ...base, ts_ms: base.ts_ms + 1 })).not.toBe(id);
  });

  it("given a keyed and an unkeyed admission of the same transaction, when hashed, then the ids differ", () => {
    expect(admissionTxHash({ ...base, idempotency_key: "k1" })).not.toBe(admissionTxHash(base));
  });
});

describe("derivedTxHash", () => {
  const derived = {
    agent_id: AGENT_A,
    reference_tx_hash: blake3Hex("inbound"),
    index: 1,
    tx_type: "reasoning" as const,
    payload: "e30=",
    ts_ms: 5,
  };

  it("given the same inbound transaction, position and content, when hashed, then the id is reproducible", () => {
    expect(derivedTxHash({ ...derived })).toBe(derivedTxHash({ ...derived }));
  });

  it("given a different position, reference, kind or content, when hashed, then the id changes", () => {
    const id = derivedTxHash(derived);
    expect(derivedTxHash({ ...derived, index: 2 })).not.toBe(id);
    expect(derivedTxHash({ ...derived, reference_tx_hash: blake3Hex("other") })).not.toBe(id);
    expect(derivedTxHash({ ...derived, tx_type: "agent_msg" })).not.toBe(id);
    expect(derivedTxHash({ ...derived, payload: "e30K" })).not.toBe(id);
  });
});

describe("derivedTransaction", () => {
  it("answers its cause, and its id is the derived hash of its fields", () => {
    const cause = {
      hash: "c".repeat(64),
      agent_id: "a".repeat(64),
      ts_ms: 1,
      tx_type: "user_prompt" as const,
      payload: "aGk=",
    };
    const tx = derivedTransaction(cause, 2, "reasoning", "e30=", 5);
    expect(tx).toEqual({
      hash: derivedTxHash({
        agent_id: cause.agent_id,
        reference_tx_hash: cause.hash,
        index: 2,
        tx_type: "reasoning",
        payload: "e30=",
        ts_ms: 5,
      }),
      agent_id: cause.agent_id,
      ts_ms: 5,
      tx_type: "reasoning",
      payload: "e30=",
      reference_tx_hash: cause.hash,
    });
  });

  it("hashes the submitter's sub only when present, so ids recorded without one are unchanged", () => {
    const base = {
      agent_id: "a".repeat(64),
      tx_type: "trigger" as const,
      payload: "aGk=",
      ts_ms: 7,
      admission: 3,
    };
    const plain = admissionTxHash(base);
    expect(plain).toBe(
      hashCanonical({
        admission: 3,
        agent_id: base.agent_id,
        payload: "aGk=",
        ts_ms: 7,
        tx_type: "trigger",
      }),
    );
    const bob = admissionTxHash({ ...base, sub: "bob" });
    expect(bob).not.toBe(plain);
    expect(admissionTxHash({ ...base, sub: "alice" })).not.toBe(bob);
    const keyed = { ...base, idempotency_key: "k" };
    expect(admissionTxHash(keyed)).toBe(
      hashCanonical({ agent_id: base.agent_id, idempotency_key: "k" }),
    );
    expect(admissionTxHash({ ...keyed, sub: "bob" })).not.toBe(admissionTxHash(keyed));
  });
});
