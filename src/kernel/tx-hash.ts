import { hashCanonical } from "../core/hash.js";
import type { Transaction, TxType } from "../core/record.js";

/**
 * The id of an admitted client transaction. With an idempotency key it depends on the
 * agent and the key alone (and the submitting principal, when one is recorded), so a repeat
 * maps to the same id; without one, the agent's admission counter makes it unique. `sub`
 * enters the hash only when present, so ids of transactions recorded without it are as
 * they were.
 */
export function admissionTxHash(input: {
  agent_id: string;
  tx_type: TxType;
  payload: string;
  ts_ms: number;
  admission: number;
  idempotency_key?: string;
  sub?: string;
}): string {
  const sub = input.sub === undefined ? {} : { sub: input.sub };
  if (input.idempotency_key !== undefined) {
    return hashCanonical({
      agent_id: input.agent_id,
      idempotency_key: input.idempotency_key,
      ...sub,
    });
  }
  return hashCanonical({
    admission: input.admission,
    agent_id: input.agent_id,
    payload: input.payload,
    ts_ms: input.ts_ms,
    tx_type: input.tx_type,
    ...sub,
  });
}

/**
 * The id of a transaction the kernel generates inside a turn (reasoning, final answer…):
 * determined by the transaction it answers, its position in the turn and its content.
 */
export function derivedTxHash(input: {
  agent_id: string;
  reference_tx_hash: string;
  index: number;
  tx_type: TxType;
  payload: string;
  ts_ms: number;
}): string {
  return hashCanonical(input);
}

/**
 * A transaction the kernel generates in a turn, answering the turn's inbound `cause`: its id
 * is {@link derivedTxHash} of its position `index` in the turn, type, payload and time.
 *
 * @example
 * const tx = derivedTransaction(inbound.tx, 1, "reasoning", payload, now);
 * tx.reference_tx_hash === inbound.tx.hash; // true
 */
export function derivedTransaction(
  cause: Transaction,
  index: number,
  txType: TxType,
  payload: string,
  ts_ms: number,
): Transaction {
  const fields = {
    agent_id: cause.agent_id,
    reference_tx_hash: cause.hash,
    index,
    tx_type: txType,
    payload,
    ts_ms,
  };
  return {
    hash: derivedTxHash(fields),
    agent_id: cause.agent_id,
    ts_ms,
    tx_type: txType,
    payload,
    reference_tx_hash: cause.hash,
  };
}
