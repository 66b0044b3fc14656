// The agent's read-only calls: each answers from its metadata and record for the caller
// that owns it (`not_found` for anyone else) and writes nothing.

import { decodeReasoning } from "../../src/agent/reasoning-record.js";
import { fail, type Result } from "../../src/core/errors.js";
import type { AgentHead, AgentSummary, VerifyReport } from "../../src/protocol/agents.js";
import type { TxStatus } from "../../src/protocol/tx.js";
import { type AgentAddress, agentNotFound, ownedMeta } from "./admission.js";
import type { AgentStore } from "./agent-store.js";
import type { ForkInfo } from "./fork-source.js";
import { isQueued } from "./inbox-table.js";
import { selectTxFailure } from "./meta-table.js";
import { selectEntries, seqOfTx, unreadableRow } from "./record-table.js";
import { turnFilesChanged } from "./turn-summary.js";
import { verifyRecord } from "./verify-record.js";

/**
 * What a fork at `atSeq` needs from this agent: its settings and window.
 *
 * @example
 * const info = forkInfoOf(store, address, 12); // { ok, settings, window_size }
 */
export function forkInfoOf(
  store: AgentStore,
  address: AgentAddress,
  atSeq: number,
): Result<ForkInfo> {
  const meta = ownedMeta(store, address);
  if (!meta) return agentNotFound(address.agent_id);
  if (atSeq > meta.head_seq) {
    return fail("invalid_request", `at_seq: ${atSeq} is past the head (${meta.head_seq})`);
  }
  return { ok: true, settings: meta.settings, window_size: meta.window_size };
}

/**
 * The head of the record.
 *
 * @example
 * const head = headOf(store, address); // { ok, agent_id, head_seq, head_hash, status }
 */
export function headOf(store: AgentStore, address: AgentAddress): Result<AgentHead> {
  const meta = ownedMeta(store, address);
  if (!meta) return agentNotFound(address.agent_id);
  const { agent_id, head_seq, head_hash, status } = meta;
  return { ok: true, agent_id, head_seq, head_hash, status };
}

/**
 * One row of the org's agent list.
 *
 * @example
 * const row = summaryOf(store, address); // { ok, agent_id, name?, head_seq, status, created_at }
 */
export function summaryOf(store: AgentStore, address: AgentAddress): Result<AgentSummary> {
  const meta = ownedMeta(store, address);
  if (!meta) return agentNotFound(address.agent_id);
  const { agent_id, head_seq, status, created_at, settings } = meta;
  const summary: AgentSummary = { agent_id, head_seq, status, created_at };
  if (settings.name !== undefined) summary.name = settings.name;
  if (settings.project_id !== undefined) summary.project_id = settings.project_id;
  if (settings.workspace === "project") summary.workspace = "project";
  if (head_seq > 0) {
    const head = store.entriesFrom(head_seq, 1)[0];
    if (head) summary.last_activity_ms = head.tx.ts_ms;
  }
  summary.tokens = tokensOf(store, head_seq);
  return { ok: true, ...summary };
}

/** Token totals of the record through `throughSeq`, per store (entries never change). */
const tokenTotals = new WeakMap<
  AgentStore,
  { throughSeq: number; input_tokens: number; output_tokens: number }
>();

/**
 * The tokens of every recorded model answer through `headSeq`: the reasoning entries after
 * the last count are read once and added, so the list costs one scan of an agent's
 * reasoning entries per object lifetime, then only what was appended since.
 */
function tokensOf(
  store: AgentStore,
  headSeq: number,
): { input_tokens: number; output_tokens: number } {
  const total = tokenTotals.get(store) ?? { throughSeq: 0, input_tokens: 0, output_tokens: 0 };
  if (headSeq > total.throughSeq) {
    for (const entry of store.entriesOfTypes(["reasoning"], total.throughSeq + 1, headSeq + 1)) {
      const usage = decodeReasoning(entry.tx.payload).response?.usage;
      if (!usage) continue;
      total.input_tokens += usage.input_tokens;
      total.output_tokens += usage.output_tokens;
    }
    total.throughSeq = headSeq;
    tokenTotals.set(store, total);
  }
  return { input_tokens: total.input_tokens, output_tokens: total.output_tokens };
}

/**
 * Entries `fromSeq…`, at most `limit` (the caller clamps it), as a JSON array text.
 *
 * @example
 * const page = recordPage(store, address, 1, 100); // { ok, json: "[…]" }
 */
export function recordPage(
  store: AgentStore,
  address: AgentAddress,
  fromSeq: number,
  limit: number,
): Result<{ json: string }> {
  if (!ownedMeta(store, address)) return agentNotFound(address.agent_id);
  const rows = selectEntries(store.sql, fromSeq, limit);
  const problem = unreadableRow(rows);
  if (problem !== undefined) return fail("internal", problem);
  return { ok: true, json: JSON.stringify(rows) };
}

/**
 * Where a transaction is: `pending` while queued or while the turn it started is still
 * running (then with its seq), `processed` once done, `failed` if its turn failed.
 *
 * @example
 * const status = txStatusOf(store, address, txId); // { ok, tx_id, status, seq? }
 */
export function txStatusOf(
  store: AgentStore,
  address: AgentAddress,
  txId: string,
): Result<TxStatus> {
  const meta = ownedMeta(store, address);
  if (!meta) return agentNotFound(address.agent_id);
  const sql = store.sql;
  if (isQueued(sql, txId)) return { ok: true, tx_id: txId, status: "pending" };
  const committed = seqOfTx(sql, txId);
  if (committed === undefined) return { ok: true, tx_id: txId, status: "unknown" };
  const { seq } = committed;
  if (meta.open_turn_seq === seq) return { ok: true, tx_id: txId, status: "pending", seq };
  const error = selectTxFailure(sql, txId);
  const status: TxStatus =
    error === undefined
      ? { tx_id: txId, status: "processed", seq }
      : { tx_id: txId, status: "failed", seq, error };
  const files = turnFilesChanged(sql, txId, committed);
  if (files) status.files_changed = files;
  return { ok: true, ...status };
}

/**
 * Re-folds the whole record and reports the first entry that does not verify.
 *
 * @example
 * const { report } = verifyOf(store, address); // when ok
 */
export function verifyOf(
  store: AgentStore,
  address: AgentAddress,
): Result<{ report: VerifyReport }> {
  const meta = ownedMeta(store, address);
  if (!meta) return agentNotFound(address.agent_id);
  return { ok: true, report: verifyRecord(store.sql, meta) };
}
