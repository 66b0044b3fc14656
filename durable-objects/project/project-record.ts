import { chainStateAt, stepSerialized } from "../../src/kernel/step.js";
import type {
  ProjectCommand,
  ProjectEvent,
  ProjectState,
} from "../../src/project/project-events.js";
import { foldEntries, mutationTransaction, stateDigest } from "../../src/project/project-record.js";
import type { VerifyReport } from "../../src/protocol/agents.js";
import { insertEntry, isRowError, selectEntries, selectWindow } from "../agent/record-table.js";
import { verifyRecord } from "../agent/verify-record.js";
import type { ProjectMeta } from "./project-tables.js";

const PAGE = 1000;

/**
 * Appends the entry of one accepted mutation after the head in `meta`, through the kernel's
 * pure step (same chain, hashes and chunking as an agent's record). The caller holds the
 * storage transaction and writes the returned head.
 *
 * @example
 * const head = appendMutation(sql, meta, { command, events, sub });
 */
export function appendMutation(
  sql: SqlStorage,
  meta: Pick<ProjectMeta, "project_id" | "window_size" | "head_seq" | "head_hash">,
  input: { command: ProjectCommand; events: ProjectEvent[]; sub?: string },
): { head_seq: number; head_hash: string } {
  const chain = chainStateAt(
    { seq: meta.head_seq, hash: meta.head_hash },
    selectWindow(sql, meta.window_size),
    meta.window_size,
  );
  const tx = mutationTransaction({
    project_id: meta.project_id,
    seq: meta.head_seq + 1,
    now: input.command.now,
    command: input.command.type,
    events: input.events,
    ...(input.sub === undefined ? {} : { sub: input.sub }),
  });
  const serialized = stepSerialized(chain, tx);
  insertEntry(sql, serialized);
  return { head_seq: serialized.entry.seq, head_hash: serialized.entry.hash };
}

/**
 * Verifies the project's record as an agent's (chain, hashes, kernel replay, head), then
 * refolds its events and checks that the stored projects, specs and tasks are what the record
 * says they are (`state_mismatch` otherwise).
 *
 * @example
 * verifyProject(sql, meta, loadState(sql)); // { ok: true, head_seq: 7, checked: 7 }
 */
export function verifyProject(
  sql: SqlStorage,
  meta: ProjectMeta,
  stored: ProjectState,
): VerifyReport {
  const report = verifyRecord(sql, meta);
  if (!report.ok) return report;
  let folded: ProjectState | undefined;
  for (let from = 1; from <= meta.head_seq; from += PAGE) {
    for (const row of selectEntries(sql, from, PAGE)) {
      const next = isRowError(row) ? row.error : foldEntries(folded, row);
      if (typeof next === "string") {
        return { ...report, ok: false, first_bad_seq: row.seq, reason: `malformed_entry: ${next}` };
      }
      folded = next;
    }
  }
  if (!folded || stateDigest(folded) !== stateDigest(stored)) {
    return {
      ...report,
      ok: false,
      reason: "state_mismatch: the stored project, specs or tasks differ from the record's events",
    };
  }
  return report;
}
