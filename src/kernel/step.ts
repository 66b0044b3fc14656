import { canonicalJson } from "../core/canonical-json.js";
import { blake3Hex, ZERO_HASH } from "../core/hash.js";
import type {
  Action,
  Decision,
  Effect,
  ProposalSet,
  RecordEntry,
  Transaction,
} from "../core/record.js";
import { contextHashOf, windowBytes } from "./chain.js";
import { KERNEL_VERSION } from "./version.js";

/**
 * What the kernel needs to know about a record to append to it: the head and the
 * context hashes of the last `windowSize` entries (oldest first, as concatenated 32-byte
 * digests). Rebuilt on wake from the agent's metadata row and the last `windowSize` rows —
 * never the whole record.
 */
export interface ChainState {
  readonly headSeq: number;
  readonly headHash: string;
  readonly window: Uint8Array;
  readonly windowSize: number;
}

/** The kernel's recorded decisions for one transaction. */
export interface StepOutcome {
  proposals: ProposalSet;
  decision: Decision;
  actions: Action[];
  effects: Effect[];
}

/** The outcome of a transaction that proposes nothing. */
export const EMPTY_OUTCOME: StepOutcome = Object.freeze({
  proposals: { proposals: [] },
  decision: { accepted_action_ids: [], rejected: [] },
  actions: [],
  effects: [],
}) as StepOutcome;

/** The state of an empty record. */
export function initialChainState(windowSize: number): ChainState {
  return { headSeq: 0, headHash: ZERO_HASH, window: new Uint8Array(0), windowSize };
}

/** A chain state from a stored head and the hex context hashes of the last entries. */
export function chainStateAt(
  head: { seq: number; hash: string },
  window: readonly string[],
  windowSize: number,
): ChainState {
  return {
    headSeq: head.seq,
    headHash: head.hash,
    window: windowBytes(window.slice(-windowSize)),
    windowSize,
  };
}

/** An entry with the canonical texts the store writes, so that nothing is serialised twice. */
export interface SerializedEntry {
  entry: RecordEntry;
  /** `canonical(entry.tx)`. */
  txText: string;
  /** `canonical({actions, decision, effects, proposals})` of the entry. */
  bodyText: string;
}

/**
 * The kernel's pure step (decide): the entry that `tx` with its recorded `outcome` appends
 * after `state`. Same inputs, same bytes, same hash.
 */
export function step(
  state: ChainState,
  tx: Transaction,
  outcome: StepOutcome = EMPTY_OUTCOME,
): RecordEntry {
  return stepSerialized(state, tx, outcome).entry;
}

/**
 * {@link step}, also returning the canonical texts of the transaction and the body. The
 * entry's canonical text is assembled from those parts in key order (`actions`,
 * `context_hash`, `decision`, `effects`, `kernel_version`, `prev_hash`, `proposals`, `seq`,
 * `tx`), each part serialised once.
 */
export function stepSerialized(
  state: ChainState,
  tx: Transaction,
  outcome: StepOutcome = EMPTY_OUTCOME,
): SerializedEntry {
  const txText = canonicalJson(tx);
  const parts = outcome === EMPTY_OUTCOME ? EMPTY_PARTS : outcomeParts(outcome);
  const seq = state.headSeq + 1;
  const context_hash = contextHashOf(txText, state.window);
  const entryText =
    `{"actions":${parts.actions},"context_hash":"${context_hash}","decision":${parts.decision},` +
    `"effects":${parts.effects},"kernel_version":${KERNEL_VERSION},"prev_hash":${JSON.stringify(state.headHash)},` +
    `"proposals":${parts.proposals},"seq":${seq},"tx":${txText}}`;
  const entry: RecordEntry = {
    seq,
    tx,
    kernel_version: KERNEL_VERSION,
    context_hash,
    proposals: outcome.proposals,
    decision: outcome.decision,
    actions: outcome.actions,
    effects: outcome.effects,
    prev_hash: state.headHash,
    hash: blake3Hex(entryText),
  };
  const bodyText = `{"actions":${parts.actions},"decision":${parts.decision},"effects":${parts.effects},"proposals":${parts.proposals}}`;
  return { entry, txText, bodyText };
}

interface OutcomeParts {
  actions: string;
  decision: string;
  effects: string;
  proposals: string;
}

function outcomeParts(outcome: StepOutcome): OutcomeParts {
  return {
    actions: canonicalJson(outcome.actions),
    decision: canonicalJson(outcome.decision),
    effects: canonicalJson(outcome.effects),
    proposals: canonicalJson(outcome.proposals),
  };
}

const EMPTY_PARTS = outcomeParts(EMPTY_OUTCOME);

/** Folds a committed entry into the chain state (evolve). */
export function evolve(state: ChainState, entry: RecordEntry): ChainState {
  const keep = Math.min(state.window.length, (state.windowSize - 1) * 32);
  const window = new Uint8Array(keep + 32);
  window.set(state.window.subarray(state.window.length - keep), 0);
  window.set(windowBytes([entry.context_hash]), keep);
  return { headSeq: entry.seq, headHash: entry.hash, window, windowSize: state.windowSize };
}
