import { RecordEntry } from "../core/record.js";
import { startVerify, type VerifyState, verifyNext } from "../kernel/verify.js";
import { ExportHeader, type ExportProblem } from "../protocol/record-export.js";
import type { NdjsonLine } from "./ndjson-lines.js";
import { OpenTurn } from "./open-turn.js";

/** What an export that verifies ends at. */
export interface ExportEnd {
  head: { seq: number; hash: string };
  /** Seq of the inbound entry of a turn the record leaves unfinished, if any. */
  open_turn_seq: number | null;
}

/** A step's outcome: the value, or where and why the export fails. */
export type Checked<T> = ({ ok: true } & T) | { ok: false; problem: ExportProblem };

/**
 * Checks an export (`GET /agents/:id/export`) line by line, as `GET /agents/:id/verify`
 * checks a stored record: the header's shape, then every entry's shape, seq, chain link,
 * context hash, own hash and a replay of the kernel's step (the same verifier,
 * `src/kernel/verify.ts`), then that the entries end at the header's head. It holds only the
 * chain state (the window), so memory does not grow with the record. Pure: the import route,
 * `npm run verify` and `aura verify --file` all feed it lines.
 *
 * @example
 * const check = new ExportCheck();
 * check.header(first); for (const line of rest) check.entry(line); check.finish();
 */
export class ExportCheck {
  #header?: ExportHeader;
  #state: VerifyState = startVerify(1);
  #turn = new OpenTurn();
  #lastLine = 0;

  /** The header, once {@link header} accepted it. */
  get head(): ExportHeader | undefined {
    return this.#header;
  }

  /** Entries verified so far. */
  get checked(): number {
    return this.#state.checked;
  }

  /** Reads the first line: the header. */
  header({ line, text }: NdjsonLine): Checked<{ header: ExportHeader }> {
    this.#lastLine = line;
    const raw = parseJson(text);
    if (raw === undefined) return bad(line, undefined, "malformed_header: not JSON");
    const parsed = ExportHeader.safeParse(raw);
    if (!parsed.success)
      return bad(line, undefined, `malformed_header: ${firstIssue(parsed.error)}`);
    this.#header = parsed.data;
    this.#state = startVerify(parsed.data.window_size);
    return { ok: true, header: parsed.data };
  }

  /** Reads one entry line and verifies it against everything before it. */
  entry({ line, text }: NdjsonLine): Checked<{ entry: RecordEntry }> {
    this.#lastLine = line;
    const expected = this.#state.chain.headSeq + 1;
    const header = this.#header;
    if (!header) return bad(line, undefined, "malformed_header: the header is missing");
    const raw = parseJson(text);
    if (raw === undefined) {
      return bad(line, expected, `malformed_entry: ${text === "" ? "empty line" : "not JSON"}`);
    }
    const parsed = RecordEntry.safeParse(raw);
    if (!parsed.success) return bad(line, expected, `malformed_entry: ${firstIssue(parsed.error)}`);
    if (this.#state.checked >= header.head_seq) {
      return bad(
        line,
        expected,
        `seq_gap: the export goes on past its header's head_seq ${header.head_seq}`,
      );
    }
    this.#state = verifyNext(this.#state, parsed.data);
    const firstBad = this.#state.firstBad;
    if (firstBad) return bad(line, firstBad.seq, `${firstBad.reason}: ${firstBad.message}`);
    this.#turn = this.#turn.after(parsed.data);
    return { ok: true, entry: parsed.data };
  }

  /** After the last line: the entries must end at the header's head. */
  finish(): Checked<ExportEnd> {
    const header = this.#header;
    if (!header) return bad(1, undefined, "malformed_header: the body is empty");
    const { checked, chain } = this.#state;
    if (checked < header.head_seq) {
      return bad(
        this.#lastLine + 1,
        checked + 1,
        `seq_gap: the export ends at seq ${checked} but its header's head_seq is ${header.head_seq} (truncated)`,
      );
    }
    if (chain.headHash !== header.head_hash) {
      return bad(
        this.#lastLine,
        header.head_seq,
        "hash_mismatch: the last entry's hash is not the header's head_hash",
      );
    }
    return {
      ok: true,
      head: { seq: chain.headSeq, hash: chain.headHash },
      open_turn_seq: this.#turn.seq,
    };
  }
}

function bad(
  line: number,
  seq: number | undefined,
  reason: string,
): { ok: false; problem: ExportProblem } {
  return { ok: false, problem: seq === undefined ? { line, reason } : { line, seq, reason } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function firstIssue(error: {
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>;
}): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = issue.path.map(String).join(".");
  return path === "" ? issue.message : `${path}: ${issue.message}`;
}
