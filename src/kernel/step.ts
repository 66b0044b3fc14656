import { ZERO_HASH } from "../core/hash.js";
import type {
  Action,
  Decision,
  Effect,
  ProposalSet,
  RecordEntry,
  Transaction,
} from "../core/record.js";
import { contextHash, sealEntry } from "./chain.js";
import { KERNEL_VERSION } from "./version.js";

/**
 * What the kernel needs to know about a record to append to it: the head and the
 * context hashes of the last `windowSize` entries (oldest first). Rebuilt on wake from
 * the agent's metadata row and the last `windowSize` rows — never the whole record.
 */
export interface ChainState {
  readonly headSeq: number;
  readonly headHash: string;
  readonly window: readonly string[];
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
  return { headSeq: 0, headHash: ZERO_HASH, window: [], windowSize };
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
  return sealEntry({
    seq: state.headSeq + 1,
    tx,
    kernel_version: KERNEL_VERSION,
    context_hash: contextHash(tx, state.window),
    proposals: outcome.proposals,
    decision: outcome.decision,
    actions: outcome.actions,
    effects: outcome.effects,
    prev_hash: state.headHash,
  });
}

/** Folds a committed entry into the chain state (evolve). */
export function evolve(state: ChainState, entry: RecordEntry): ChainState {
  const window = [...state.window, entry.context_hash];
  if (window.length > state.windowSize) window.splice(0, window.length - state.windowSize);
  return { headSeq: entry.seq, headHash: entry.hash, window, windowSize: state.windowSize };
}
