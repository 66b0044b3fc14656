import type { RecordEntry } from "../core/record.js";
import { entryHash } from "./chain.js";
import { type ChainState, evolve, initialChainState, step } from "./step.js";
import { KERNEL_VERSION } from "./version.js";

/** Why an entry failed verification. */
export type VerifyReason =
  | "seq_gap"
  | "prev_hash_mismatch"
  | "context_hash_mismatch"
  | "hash_mismatch"
  | "kernel_version_unknown"
  | "replay_mismatch"
  | "malformed_entry";

/** The running state of a verification over a record read page by page. */
export interface VerifyState {
  chain: ChainState;
  checked: number;
  firstBad?: { seq: number; reason: VerifyReason; message: string };
}

/** Starts a verification. */
export function startVerify(windowSize: number): VerifyState {
  return { chain: initialChainState(windowSize), checked: 0 };
}

/**
 * Checks one entry against everything before it: sequence, chain link, context hash, its own
 * hash, and that re-running the kernel's pure step over its recorded inputs yields the same
 * entry. Returns the state with `firstBad` set at the first failure; later entries are not
 * checked once one has failed.
 */
export function verifyNext(state: VerifyState, entry: RecordEntry): VerifyState {
  if (state.firstBad) return state;
  const bad = check(state.chain, entry);
  if (bad) return { ...state, firstBad: { seq: state.chain.headSeq + 1, ...bad } };
  return { chain: evolve(state.chain, entry), checked: state.checked + 1 };
}

/** Marks the next expected seq as unreadable (its row does not parse). */
export function verifyMalformed(state: VerifyState, message: string): VerifyState {
  if (state.firstBad) return state;
  return {
    ...state,
    firstBad: { seq: state.chain.headSeq + 1, reason: "malformed_entry", message },
  };
}

function check(
  chain: ChainState,
  entry: RecordEntry,
): { reason: VerifyReason; message: string } | undefined {
  const seq = chain.headSeq + 1;
  if (entry.seq !== seq)
    return { reason: "seq_gap", message: `expected seq ${seq}, found ${entry.seq}` };
  if (entry.kernel_version > KERNEL_VERSION) {
    return {
      reason: "kernel_version_unknown",
      message: `kernel_version ${entry.kernel_version} is newer than ${KERNEL_VERSION}`,
    };
  }
  if (entry.prev_hash !== chain.headHash) {
    return {
      reason: "prev_hash_mismatch",
      message: `prev_hash does not match the hash of seq ${seq - 1}`,
    };
  }
  // One replay of the kernel step proves the entry; the diagnosis below runs only on failure.
  const replayed = step(chain, entry.tx, entry);
  if (replayed.context_hash === entry.context_hash && replayed.hash === entry.hash)
    return undefined;
  const { hash, ...unsealed } = entry;
  if (entryHash(unsealed) !== hash) {
    return { reason: "hash_mismatch", message: "stored hash does not match the entry's content" };
  }
  if (replayed.context_hash !== entry.context_hash) {
    return {
      reason: "context_hash_mismatch",
      message: "context_hash does not match the transaction and window",
    };
  }
  return {
    reason: "replay_mismatch",
    message: "re-running the kernel step produced a different entry",
  };
}
