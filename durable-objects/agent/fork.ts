import type { RecordEntry } from "../../src/core/record.js";
import type { SerializedEntry } from "../../src/kernel/step.js";
import { startVerify, type VerifyState, verifyNext } from "../../src/kernel/verify.js";
import { OpenTurn } from "../../src/record/open-turn.js";
import { serializeEntry } from "../../src/record/serialize-entry.js";

/** Entries copied per round trip to the source agent. */
export const FORK_PAGE = 500;

/** Where a fork reads its prefix from: pages of the source agent's record. */
export interface ForkSource {
  page(fromSeq: number, limit: number): Promise<RecordEntry[]>;
}

/** The end of a copied prefix. */
export interface ForkedHead {
  head: { seq: number; hash: string };
  /** Seq of the inbound entry of a turn the prefix leaves unfinished, if any. */
  openTurnSeq: number | null;
}

/**
 * Copies entries `1..atSeq` of the source page by page through `write`, checking each as
 * verification does (chain, hashes, replay of the kernel step): a fork only starts from a
 * record that verifies, and the copy is verbatim, so its first `atSeq` hashes are the
 * source's. Memory stays bounded by one page.
 */
export async function copyForkPrefix(
  source: ForkSource,
  atSeq: number,
  windowSize: number,
  write: (page: SerializedEntry[]) => void,
): Promise<ForkedHead | { error: string }> {
  let state: VerifyState = startVerify(windowSize);
  let turn = new OpenTurn();
  while (state.checked < atSeq) {
    const page = await source.page(state.checked + 1, Math.min(FORK_PAGE, atSeq - state.checked));
    if (page.length === 0) return { error: `the source record ends at seq ${state.checked}` };
    const serialized: SerializedEntry[] = [];
    for (const entry of page) {
      state = verifyNext(state, entry);
      if (state.firstBad) {
        const { seq, reason } = state.firstBad;
        return { error: `the source record does not verify at seq ${seq}: ${reason}` };
      }
      turn = turn.after(entry);
      serialized.push(serializeEntry(entry));
    }
    write(serialized);
  }
  return { head: { seq: state.chain.headSeq, hash: state.chain.headHash }, openTurnSeq: turn.seq };
}
