import { textToBase64 } from "../core/base64.js";
import { blake3Hex } from "../core/hash.js";
import type { RecordEntry, Transaction, TxType } from "../core/record.js";
import {
  type ChainState,
  EMPTY_OUTCOME,
  evolve,
  initialChainState,
  type StepOutcome,
  step,
} from "./step.js";

/**
 * Test fixture: deterministic transactions and chains built with the kernel's own
 * `step`/`evolve`, for the unit tests of the chain and of verification. Not used at runtime.
 */

/** The agent every fixture transaction belongs to. */
export const FIXTURE_AGENT = blake3Hex("fixture agent");

const KINDS: readonly TxType[] = ["user_prompt", "reasoning", "agent_msg", "system", "trigger"];

/** The `i`-th fixture transaction (1-based): fixed hash, time, kind and payload. */
export function fixtureTx(i: number): Transaction {
  return {
    hash: blake3Hex(`tx ${i}`),
    agent_id: FIXTURE_AGENT,
    ts_ms: 1_700_000_000_000 + i * 1000,
    tx_type: KINDS[i % KINDS.length] ?? "system",
    payload: textToBase64(`prompt number ${i}`),
  };
}

/** The `i`-th fixture outcome: every third transaction proposes and accepts one action. */
export function fixtureOutcome(i: number): StepOutcome {
  if (i % 3 !== 0) return EMPTY_OUTCOME;
  const action_id = `action-${i}`;
  return {
    proposals: {
      proposals: [{ action_kind: "reason", payload: { step: i }, rationale: `because ${i}` }],
      trace: { model: "mock", latency_ms: i },
    },
    decision: { accepted_action_ids: [action_id], rejected: [] },
    actions: [{ action_id, kind: "reason", payload: { step: i } }],
    effects: [{ action_id, kind: "reason", status: "committed", payload: { ok: true } }],
  };
}

/** Appends `txs` (with their outcomes) to an empty record, as the kernel would. */
export function buildChain(
  txs: readonly Transaction[],
  outcomes: readonly StepOutcome[],
  windowSize: number,
): RecordEntry[] {
  return resealFrom([], txs, outcomes, windowSize);
}

/** A chain of `length` fixture entries. */
export function fixtureChain(length: number, windowSize: number): RecordEntry[] {
  const idx = Array.from({ length }, (_, n) => n + 1);
  return buildChain(idx.map(fixtureTx), idx.map(fixtureOutcome), windowSize);
}

/** The chain state after folding `entries`. */
export function stateAfter(entries: readonly RecordEntry[], windowSize: number): ChainState {
  return entries.reduce(evolve, initialChainState(windowSize));
}

/**
 * Re-runs the kernel over `entries` from index `from` (0-based) on, keeping each entry's
 * recorded inputs: what a writer rewriting history from that point would have to do.
 */
export function resealChainFrom(
  entries: readonly RecordEntry[],
  from: number,
  windowSize: number,
): RecordEntry[] {
  const rest = entries.slice(from);
  return resealFrom(
    entries.slice(0, from),
    rest.map((e) => e.tx),
    rest,
    windowSize,
  );
}

function resealFrom(
  prefix: readonly RecordEntry[],
  txs: readonly Transaction[],
  outcomes: readonly StepOutcome[],
  windowSize: number,
): RecordEntry[] {
  const out = [...prefix];
  let state = stateAfter(prefix, windowSize);
  txs.forEach((tx, n) => {
    const entry = step(state, tx, outcomes[n] ?? EMPTY_OUTCOME);
    out.push(entry);
    state = evolve(state, entry);
  });
  return out;
}
