import type { RecordRow } from "../record/record-store.js";
import { payloadJson } from "../record/record-store.js";

/** What the record says about one tool call: its arguments and how long it took. */
export interface ToolDetails {
  args?: unknown;
  /** From the proposal's admission to the execution's, in ms. */
  durationMs?: number;
}

/**
 * Reads each tool call's arguments and duration from the record's `tool_proposal` and
 * `tool_execution` entries (the stream's `tool_use_start` carries only the name).
 *
 * @example
 * toolDetails(store.list()).get("toolu_1"); // { args: { command: "ls" }, durationMs: 41 }
 */
export function toolDetails(rows: readonly RecordRow[]): Map<string, ToolDetails> {
  const details = new Map<string, ToolDetails>();
  const proposedAt = new Map<string, number>();
  for (const row of rows) {
    if (!row.entry || (row.txType !== "tool_proposal" && row.txType !== "tool_execution")) continue;
    const payload = payloadJson(row.entry) as { tool_use_id?: unknown; args?: unknown } | undefined;
    if (typeof payload?.tool_use_id !== "string") continue;
    const id = payload.tool_use_id;
    const known = details.get(id) ?? {};
    if (row.txType === "tool_proposal") {
      proposedAt.set(id, row.entry.tx.ts_ms);
      details.set(id, { ...known, args: payload.args });
    } else {
      const start = proposedAt.get(id);
      details.set(id, {
        ...known,
        args: known.args ?? payload.args,
        ...(start === undefined ? {} : { durationMs: row.entry.tx.ts_ms - start }),
      });
    }
  }
  return details;
}
