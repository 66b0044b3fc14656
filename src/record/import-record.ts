import { AuraError, type Result } from "../core/errors.js";
import type { SerializedEntry } from "../kernel/step.js";
import type { CreateAgentRequest } from "../protocol/agents.js";
import {
  type ExportHeader,
  type ExportProblem,
  type ImportStep,
  MAX_EXPORT_LINE_BYTES,
  MAX_IMPORT_BYTES,
} from "../protocol/record-export.js";
import { ExportCheck } from "./export-check.js";
import { type ByteSource, ndjsonLines } from "./ndjson-lines.js";
import { serializeEntry } from "./serialize-entry.js";

/** Entries sent to the new agent per write, at most. */
export const IMPORT_BATCH_ENTRIES = 500;
/** Bytes of entry lines sent to the new agent per write, at most (one entry may exceed it). */
export const IMPORT_BATCH_BYTES = 4 * 1024 * 1024;

/** The agent an import creates, and how its steps reach it. */
export interface ImportTarget {
  org: string;
  agent_id: string;
  now: number;
  /** Applies one step to the new agent's object. */
  send(step: ImportStep): Promise<Result<{ agent_id: string }>>;
  /** Refuses (throws) settings the caller may not create an agent with. */
  checkSettings?(settings: CreateAgentRequest): void;
}

/**
 * Creates an agent from an export read as a stream: the header, then every entry checked by
 * {@link ExportCheck} (the verifier `GET /agents/:id/verify` uses) and written in batches,
 * then the metadata row that makes the agent exist. A body that does not verify throws
 * `invalid_record` naming the line and the first bad seq; one past the limits
 * `payload_too_large`. Whatever fails, the new agent never exists and what it wrote is
 * discarded. `project_id` is not carried over (projects belong to an org).
 *
 * @example
 * await importRecord(request.body, { org, agent_id, now: Date.now(), send: (s) => stub.importStep(s) });
 */
export async function importRecord(source: ByteSource, target: ImportTarget): Promise<void> {
  const address = { org: target.org, agent_id: target.agent_id };
  const check = new ExportCheck();
  let header: ExportHeader | undefined;
  let batch: SerializedEntry[] = [];
  let batchBytes = 0;
  let wrote = false;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    wrote = true;
    sent(await target.send({ type: "entries", ...address, entries: batch }));
    batch = [];
    batchBytes = 0;
  };
  try {
    const limits = { maxBytes: MAX_IMPORT_BYTES, maxLineBytes: MAX_EXPORT_LINE_BYTES };
    for await (const line of readLines(source, limits)) {
      if (line.line === 1) {
        const read = check.header(line);
        if (!read.ok) throw invalidRecord(read.problem);
        header = read.header;
        target.checkSettings?.(header.settings);
        continue;
      }
      const read = check.entry(line);
      if (!read.ok) throw invalidRecord(read.problem);
      batch.push(serializeEntry(read.entry));
      batchBytes += line.text.length;
      if (batch.length >= IMPORT_BATCH_ENTRIES || batchBytes >= IMPORT_BATCH_BYTES) await flush();
    }
    // Written before the end is judged: a record cut short is discarded like any other failure.
    await flush();
    const end = check.finish();
    if (!end.ok) throw invalidRecord(end.problem);
    if (!header)
      throw invalidRecord({ line: 1, reason: "malformed_header: the header is missing" });
    const { project_id: _project, ...settings } = header.settings;
    wrote = true;
    sent(
      await target.send({
        type: "finish",
        ...address,
        settings,
        window_size: header.window_size,
        head: end.head,
        open_turn_seq: end.open_turn_seq,
        now: target.now,
      }),
    );
    wrote = false;
  } finally {
    if (wrote) await target.send({ type: "discard", ...address }).catch(() => undefined);
  }
}

/** The body's lines; a line that is not UTF-8 is an invalid record, not a bad request. */
async function* readLines(source: ByteSource, limits: Parameters<typeof ndjsonLines>[1]) {
  try {
    yield* ndjsonLines(source, limits);
  } catch (err) {
    if (err instanceof AuraError && err.code === "invalid_request") {
      throw new AuraError("invalid_record", err.message, err.details);
    }
    throw err;
  }
}

/** `400 invalid_record`: `line <n> (seq <s>): <reason>`, with `{line, first_bad_seq, reason}`. */
function invalidRecord(problem: ExportProblem): AuraError {
  const at = problem.seq === undefined ? "" : ` (seq ${problem.seq})`;
  return new AuraError("invalid_record", `line ${problem.line}${at}: ${problem.reason}`, {
    line: problem.line,
    ...(problem.seq === undefined ? {} : { first_bad_seq: problem.seq }),
    reason: problem.reason,
  });
}

function sent(result: Result<{ agent_id: string }>): void {
  if (!result.ok) throw new AuraError(result.code, result.message, result.details);
}
