import type { RecordEntry } from "../core/record.js";

/**
 * Tracks, over a record read in order, the last `user_prompt` whose turn has not yet
 * recorded its final `agent_msg` (the reply referencing it). A copy of a record (a fork, an
 * import) keeps that seq as its open turn, for the agent to finish from what was recorded.
 *
 * @example
 * let turn = new OpenTurn();
 * for (const entry of entries) turn = turn.after(entry);
 * turn.seq; // null when every turn finished
 */
export class OpenTurn {
  constructor(
    readonly seq: number | null = null,
    readonly txHash: string | null = null,
  ) {}

  /** The open turn after `entry`. */
  after(entry: RecordEntry): OpenTurn {
    if (entry.tx.tx_type === "user_prompt") return new OpenTurn(entry.seq, entry.tx.hash);
    if (entry.tx.tx_type === "agent_msg" && entry.tx.reference_tx_hash === this.txHash) {
      return new OpenTurn();
    }
    return this;
  }
}
