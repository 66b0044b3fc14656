import { AuraError } from "../core/errors.js";
import { MAX_EXPORT_LINE_BYTES } from "../protocol/record-export.js";
import { ExportCheck } from "./export-check.js";
import { type ByteSource, type NdjsonLimits, ndjsonLines } from "./ndjson-lines.js";

/** What {@link verifyExport} finds: like `GET /agents/:id/verify`, plus the line at fault. */
export interface ExportReport {
  ok: boolean;
  /** The exported agent, when the header could be read. */
  agent_id?: string;
  /** The header's head (0 when the header could not be read). */
  head_seq: number;
  /** Entries that verified. */
  checked: number;
  first_bad_seq?: number;
  /** The line of the file at fault (1 is the header). */
  line?: number;
  reason?: string;
}

/** An offline check reads files of any size; a line is bounded as the import bounds it. */
const OFFLINE_LIMITS: NdjsonLimits = {
  maxBytes: Number.MAX_SAFE_INTEGER,
  maxLineBytes: MAX_EXPORT_LINE_BYTES,
};

/**
 * Re-checks an export with no server: every line through {@link ExportCheck}. Runs in Node
 * (`npm run verify -- FILE`, `aura verify --file FILE`) and in workerd alike.
 *
 * @example
 * const report = await verifyExport(createReadStream("agent.ndjson"));
 * console.log(exportReportText(report)); // "ok 7"
 */
export async function verifyExport(
  source: ByteSource,
  limits: NdjsonLimits = OFFLINE_LIMITS,
): Promise<ExportReport> {
  const check = new ExportCheck();
  const report = (problem: { line: number; seq?: number; reason: string }): ExportReport => {
    const out: ExportReport = {
      ok: false,
      head_seq: check.head?.head_seq ?? 0,
      checked: check.checked,
      line: problem.line,
      reason: problem.reason,
    };
    if (check.head) out.agent_id = check.head.agent_id;
    if (problem.seq !== undefined) out.first_bad_seq = problem.seq;
    return out;
  };
  try {
    for await (const line of ndjsonLines(source, limits)) {
      const step = line.line === 1 ? check.header(line) : check.entry(line);
      if (!step.ok) return report(step.problem);
    }
  } catch (err) {
    if (!(err instanceof AuraError)) throw err;
    const line = lineOf(err.details) ?? check.checked + 2;
    return report({ line, seq: check.checked + 1, reason: `${err.code}: ${err.message}` });
  }
  const end = check.finish();
  if (!end.ok) return report(end.problem);
  const ok: ExportReport = { ok: true, head_seq: end.head.seq, checked: check.checked };
  if (check.head) ok.agent_id = check.head.agent_id;
  return ok;
}

/**
 * A report as one line: `ok <head_seq>`, or `bad <seq> (line <n>) <reason>` (`bad line <n>
 * <reason>` when no entry is at fault: the header).
 *
 * @example
 * exportReportText({ ok: false, head_seq: 7, checked: 2, first_bad_seq: 3, line: 4, reason: "hash_mismatch: …" });
 * // "bad 3 (line 4) hash_mismatch: …"
 */
export function exportReportText(report: ExportReport): string {
  if (report.ok) return `ok ${report.head_seq}`;
  const at =
    report.first_bad_seq === undefined
      ? `line ${report.line ?? "?"}`
      : `${report.first_bad_seq} (line ${report.line ?? "?"})`;
  return `bad ${at} ${report.reason ?? "no reason given"}`;
}

function lineOf(details: unknown): number | undefined {
  if (typeof details !== "object" || details === null || !("line" in details)) return undefined;
  return typeof details.line === "number" ? details.line : undefined;
}
