import { startVerify, verifyMalformed, verifyNext } from "../../src/kernel/verify.js";
import type { VerifyReport } from "../../src/protocol/agents.js";
import type { AgentMeta } from "./meta-table.js";
import { isRowError, selectEntries } from "./record-table.js";

const PAGE = 1000;

/**
 * Verifies the stored record page by page (memory stays bounded by one page): every entry
 * against the chain and the kernel's pure step, then the metadata head against the last
 * entry.
 */
export function verifyRecord(
  sql: SqlStorage,
  meta: Pick<AgentMeta, "head_seq" | "head_hash" | "window_size">,
): VerifyReport {
  let state = startVerify(meta.window_size);
  let from = 1;
  for (;;) {
    const rows = selectEntries(sql, from, PAGE);
    for (const row of rows) {
      state = isRowError(row) ? verifyMalformed(state, row.error) : verifyNext(state, row);
      if (state.firstBad) break;
    }
    if (state.firstBad || rows.length < PAGE) break;
    from += rows.length;
  }
  if (!state.firstBad && state.checked !== meta.head_seq) {
    state = {
      ...state,
      firstBad: {
        seq: state.checked + 1,
        reason: "seq_gap",
        message: `head is ${meta.head_seq} but the record ends at ${state.checked}`,
      },
    };
  }
  if (!state.firstBad && state.chain.headHash !== meta.head_hash) {
    state = {
      ...state,
      firstBad: {
        seq: meta.head_seq,
        reason: "hash_mismatch",
        message: "head hash does not match the last entry",
      },
    };
  }
  const report: VerifyReport = {
    ok: state.firstBad === undefined,
    head_seq: meta.head_seq,
    checked: state.checked,
  };
  if (state.firstBad) {
    report.first_bad_seq = state.firstBad.seq;
    report.reason = `${state.firstBad.reason}: ${state.firstBad.message}`;
  }
  return report;
}
