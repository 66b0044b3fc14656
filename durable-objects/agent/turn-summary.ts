import { startsTurnType } from "../../src/core/record.js";
import type { TurnTrace, TxStatus } from "../../src/protocol/tx.js";
import { isRowError, selectFirstOfTypeAfter } from "./record-table.js";

/**
 * The longest a turn's entries run, counted from its first: its reply comes within this many
 * (a turn makes at most `max_turns` model calls, 25 by default, each with its tool calls).
 */
const TURN_ENTRIES_BOUND = 10_000;

/**
 * The files the turn started by `txId` (committed at `seq`, a `txType` that starts turns)
 * changed, from the trace of its reply — the first `agent_msg` after it that answers it,
 * found by reading the turn's entries from its first (no index); undefined when the
 * transaction started no turn.
 */
export function turnFilesChanged(
  sql: SqlStorage,
  txId: string,
  at: { seq: number; tx_type: string },
): TxStatus["files_changed"] {
  if (!startsTurnType(at.tx_type)) return undefined;
  const reply = selectFirstOfTypeAfter(sql, "agent_msg", at.seq, TURN_ENTRIES_BOUND);
  if (!reply || isRowError(reply) || reply.tx.reference_tx_hash !== txId) return undefined;
  const trace = reply.proposals.trace as TurnTrace | undefined;
  return trace?.turn?.files_changed;
}
