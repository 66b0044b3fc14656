import { describe, expect, it } from "vitest";
import { canonicalJson } from "../core/canonical-json.js";
import { blake3Hex, hashCanonical, ZERO_HASH } from "../core/hash.js";
import type { RecordEntry, Transaction } from "../core/record.js";
import { contextHash, entryHash, sealEntry, windowHashes } from "./chain.js";
import {
  fixtureChain,
  fixtureOutcome,
  fixtureTx,
  resealChainFrom,
  stateAfter,
} from "./chain-fixture.js";
import {
  EMPTY_OUTCOME,
  evolve,
  initialChainState,
  type StepOutcome,
  step,
  stepSerialized,
} from "./step.js";
import { KERNEL_VERSION } from "./version.js";

const LENGTH = 200;
const WINDOW = 50;
/** 1-based positions of the entries the tamper tests alter. */
const TAMPERED_SEQS = [1, 2, 49, 51, 137, 199, 200];

/** Replaces one character of a base64 payload with another valid base64 character. */
function flipPayloadChar(payload: string): string {
  const c = payload[0] === "A" ? "B" : "A";
  return c + payload.slice(1);
}

/** Indices where two equally long chains have different entry hashes. */
function differingHashes(a: readonly RecordEntry[], b: readonly RecordEntry[]): number[] {
  return a.flatMap((e, i) => (e.hash === b[i]?.hash ? [] : [i + 1]));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, n) => from + n);
}

describe("step and evolve", () => {
  it("given an empty record, when the first transaction is stepped, then it is seq 1 chained to the zero hash", () => {
    const first = step(initialChainState(WINDOW), fixtureTx(1));
    expect(first.seq).toBe(1);
    expect(first.prev_hash).toBe(ZERO_HASH);
    expect(first.kernel_version).toBe(KERNEL_VERSION);
    const { hash, ...unsealed } = first;
    expect(hash).toBe(entryHash(unsealed));
  });

  it("given a chain of 200 entries, when inspected, then seqs run 1..200 and each prev_hash is the previous hash", () => {
    const chain = fixtureChain(LENGTH, WINDOW);
    expect(chain.map((e) => e.seq)).toEqual(range(1, LENGTH));
    chain.forEach((e, i) => {
      expect(e.prev_hash).toBe(i === 0 ? ZERO_HASH : chain[i - 1]?.hash);
      const { hash, ...unsealed } = e;
      expect(hash).toBe(hashCanonical(unsealed));
    });
    expect(new Set(chain.map((e) => e.hash)).size).toBe(LENGTH);
  });

  it("given a simple transaction, when stepped, then its hash is BLAKE3 of the exact canonical entry text", () => {
    const tx = {
      hash: "1".repeat(64),
      agent_id: "2".repeat(64),
      ts_ms: 5,
      tx_type: "user_prompt" as const,
      payload: "aGk=",
    };
    const entry = step(initialChainState(WINDOW), tx);
    const txText = `{"agent_id":"${"2".repeat(64)}","hash":"${"1".repeat(64)}","payload":"aGk=","ts_ms":5,"tx_type":"user_prompt"}`;
    const context = blake3Hex(txText);
    const text =
      `{"actions":[],"context_hash":"${context}","decision":{"accepted_action_ids":[],"rejected":[]},` +
      `"effects":[],"kernel_version":1,"prev_hash":"${ZERO_HASH}","proposals":{"proposals":[]},` +
      `"seq":1,"tx":${txText}}`;
    expect(entry.context_hash).toBe(context);
    expect(entry.hash).toBe(blake3Hex(text));
  });

  it("given the same transactions and outcomes twice, when the chain is built, then the entries are byte-identical", () => {
    const a = fixtureChain(LENGTH, WINDOW);
    const b = fixtureChain(LENGTH, WINDOW);
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(a.at(-1)?.hash).toBe(b.at(-1)?.hash);
  });

  it("given an outcome object, when stepped, then the entry records it and the input is not changed", () => {
    const outcome = fixtureOutcome(3);
    const before = canonicalJson(outcome);
    const entry = step(initialChainState(WINDOW), fixtureTx(3), outcome);
    expect(canonicalJson(outcome)).toBe(before);
    expect(entry.proposals).toEqual(outcome.proposals);
    expect(entry.decision).toEqual(outcome.decision);
    expect(entry.actions).toEqual(outcome.actions);
    expect(entry.effects).toEqual(outcome.effects);
  });

  it("given no outcome, when stepped, then the entry records empty proposals, decision, actions and effects", () => {
    const entry = step(initialChainState(WINDOW), fixtureTx(1));
    expect(entry.proposals).toEqual({ proposals: [] });
    expect(entry.decision).toEqual({ accepted_action_ids: [], rejected: [] });
    expect(entry.actions).toEqual([]);
    expect(entry.effects).toEqual([]);
    expect(step(initialChainState(WINDOW), fixtureTx(1), EMPTY_OUTCOME).hash).toBe(entry.hash);
  });

  it("given a state, when an entry is evolved into it, then the input state is not changed", () => {
    const chain = fixtureChain(3, 2);
    const state = stateAfter(chain.slice(0, 2), 2);
    const snapshot = structuredClone(state);
    evolve(state, chain[2] as RecordEntry);
    expect(state).toEqual(snapshot);
  });
});

describe("serialised step", () => {
  it("given transactions with and without optional fields and non-empty outcomes, when stepped, then the texts are the canonical tx and body and the hash is BLAKE3 of the whole canonical entry", () => {
    const chain = fixtureChain(30, 5);
    let state = initialChainState(5);
    const cases: Array<{ tx: Transaction; outcome: StepOutcome }> = chain.map((entry, i) => ({
      tx:
        i % 3 === 0
          ? { ...entry.tx, reference_tx_hash: "c".repeat(64), idempotency_key: `k-${i}` }
          : entry.tx,
      outcome: entry,
    }));
    // An empty outcome that is not the shared constant takes the general path.
    cases.push({ tx: fixtureTx(99), outcome: { ...EMPTY_OUTCOME } });
    cases.push({ tx: fixtureTx(100), outcome: EMPTY_OUTCOME });
    for (const { tx, outcome } of cases) {
      const { entry, txText, bodyText } = stepSerialized(state, tx, outcome);
      const { hash, ...unsealed } = entry;
      expect(txText).toBe(canonicalJson(tx));
      expect(bodyText).toBe(
        canonicalJson({
          actions: entry.actions,
          decision: entry.decision,
          effects: entry.effects,
          proposals: entry.proposals,
        }),
      );
      expect(hash).toBe(blake3Hex(canonicalJson(unsealed)));
      expect(hash).toBe(entryHash(unsealed));
      state = evolve(state, entry);
    }
  });
});

describe("context hash window", () => {
  it("given an empty window, when hashed, then the context hash is BLAKE3 of the canonical transaction", () => {
    const tx = fixtureTx(1);
    expect(contextHash(tx, [])).toBe(blake3Hex(canonicalJson(tx)));
  });

  for (const windowSize of [1, 2, 3, 7]) {
    it(`given a window of ${windowSize}, when each entry is appended, then its context hash covers exactly the last ${windowSize} context hashes as raw bytes, oldest first`, () => {
      const chain = fixtureChain(25, windowSize);
      chain.forEach((entry, i) => {
        const window = chain.slice(Math.max(0, i - windowSize), i).map((e) => e.context_hash);
        expect(window.length).toBe(Math.min(i, windowSize));
        const bytes = Buffer.concat([
          Buffer.from(canonicalJson(entry.tx), "utf8"),
          ...window.map((h) => Buffer.from(h, "hex")),
        ]);
        expect(entry.context_hash, `seq ${entry.seq}`).toBe(blake3Hex(new Uint8Array(bytes)));
      });
    });
  }

  it("given a window of 3, when the state evolves, then it keeps the newest three context hashes in order", () => {
    const chain = fixtureChain(10, 3);
    let state = initialChainState(3);
    chain.forEach((entry, i) => {
      state = evolve(state, entry);
      expect(windowHashes(state.window)).toEqual(
        chain.slice(Math.max(0, i - 2), i + 1).map((e) => e.context_hash),
      );
      expect(state.headSeq).toBe(entry.seq);
      expect(state.headHash).toBe(entry.hash);
    });
  });

  it("given a window of 3, when the next entry is stepped, then its context hash folds the last three context hashes and not four", () => {
    const chain = fixtureChain(10, 3);
    const tx = fixtureTx(10);
    const lastThree = chain.slice(6, 9).map((e) => e.context_hash);
    const lastFour = chain.slice(5, 9).map((e) => e.context_hash);
    expect(step(stateAfter(chain.slice(0, 9), 3), tx).context_hash).toBe(chain[9]?.context_hash);
    expect(contextHash(tx, lastThree)).toBe(chain[9]?.context_hash);
    expect(contextHash(tx, lastFour)).not.toBe(chain[9]?.context_hash);
  });

  it("given window hashes in a different order, when hashed, then the context hash differs", () => {
    const [a, b] = [blake3Hex("a"), blake3Hex("b")];
    const tx = fixtureTx(1);
    expect(contextHash(tx, [a, b])).not.toBe(contextHash(tx, [b, a]));
  });
});

describe("tamper evidence", () => {
  const original = fixtureChain(LENGTH, WINDOW);

  for (const k of TAMPERED_SEQS) {
    it(`given entry ${k}'s payload changed by one character, when re-hashed and re-sealed from there, then hash ${k} and every later hash change`, () => {
      const target = original[k - 1] as RecordEntry;
      const { hash: _, ...unsealed } = target;
      const altered = {
        ...unsealed,
        tx: { ...target.tx, payload: flipPayloadChar(target.tx.payload) },
      };
      expect(entryHash(altered)).not.toBe(target.hash);

      const tampered = original.map((e, i) => (i === k - 1 ? sealEntry(altered) : e));
      const resealed = resealChainFrom(tampered, k - 1, WINDOW);
      expect(differingHashes(original, resealed)).toEqual(range(k, LENGTH));
      expect(resealed.slice(0, k - 1)).toEqual(original.slice(0, k - 1));
    });
  }

  it("given entry 73's ts_ms changed by one millisecond, when re-sealed from there, then hash 73 and every later hash change", () => {
    const k = 73;
    const target = original[k - 1] as RecordEntry;
    const altered = { ...target, tx: { ...target.tx, ts_ms: target.tx.ts_ms + 1 } };
    expect(entryHash(altered)).not.toBe(target.hash);
    const tampered = original.map((e, i) => (i === k - 1 ? altered : e));
    const resealed = resealChainFrom(tampered, k - 1, WINDOW);
    expect(differingHashes(original, resealed)).toEqual(range(k, LENGTH));
    expect(resealed[k - 1]?.context_hash).not.toBe(target.context_hash);
  });

  it("given entry 99's proposal rationale changed, when re-sealed from there, then hash 99 and every later hash change but no context hash does", () => {
    const k = 99;
    const target = original[k - 1] as RecordEntry;
    const [proposal] = target.proposals.proposals;
    expect(proposal).toBeDefined();
    const altered = {
      ...target,
      proposals: { ...target.proposals, proposals: [{ ...proposal!, rationale: "forged" }] },
    };
    expect(entryHash(altered)).not.toBe(target.hash);
    const tampered = original.map((e, i) => (i === k - 1 ? altered : e));
    const resealed = resealChainFrom(tampered, k - 1, WINDOW);
    expect(differingHashes(original, resealed)).toEqual(range(k, LENGTH));
    expect(resealed.map((e) => e.context_hash)).toEqual(original.map((e) => e.context_hash));
  });

  it("given a transaction changed at entry 10, when re-sealed from there, then every later context hash changes too", () => {
    const k = 10;
    const target = original[k - 1] as RecordEntry;
    const altered = { ...target, tx: { ...target.tx, tx_type: "trigger" as const } };
    const resealed = resealChainFrom(
      original.map((e, i) => (i === k - 1 ? altered : e)),
      k - 1,
      WINDOW,
    );
    const changed = resealed.flatMap((e, i) =>
      e.context_hash === original[i]?.context_hash ? [] : [i + 1],
    );
    expect(changed).toEqual(range(k, LENGTH));
  });

  it("given every byte position of one entry's canonical form, when that byte is changed, then the entry hash changes", () => {
    const target = original[41] as RecordEntry;
    const { hash, ...unsealed } = target;
    const text = canonicalJson(unsealed);
    expect(blake3Hex(text)).toBe(hash);
    for (let i = 0; i < text.length; i++) {
      const flipped = text.slice(0, i) + (text[i] === "x" ? "y" : "x") + text.slice(i + 1);
      expect(blake3Hex(flipped), `byte ${i}`).not.toBe(hash);
    }
  });
});
