import type { TurnTrace, TxStatus } from "../../src/protocol/tx.js";
import { isRowError, selectFirstOfTypeAfter } from "./record-table.js";

/**
 * The files the turn started by `txId` (committed at `seq`) changed, from the trace of its
 * reply — the first `agent_msg` after it that answers it; undefined when the transaction
 * started no turn.
 */
export function turnFilesChanged(
  sql: SqlStorage,
  txId: string,
  seq: number,
): TxStatus["files_changed"] {
  const reply = selectFirstOfTypeAfter(sql, "agent_msg", seq);
  if (!reply || isRowError(reply) || reply.tx.reference_tx_hash !== txId) return undefined;
  const trace = reply.proposals.trace as TurnTrace | undefined;
  return trace?.turn?.files_changed;
}
