import { createReadStream, statSync } from "node:fs";
import { exportReportText, verifyExport } from "../../../src/record/verify-export.js";
import { CliError, EXIT } from "../exit-codes.js";
import type { Output } from "../output/output.js";

/**
 * `aura verify --file FILE`: re-checks an export (`GET /agents/:id/export`) with no server,
 * with the verifier the server's import uses. Prints `ok <head_seq>` (a JSON object with
 * `--json` or off a terminal); a file that does not verify exits 4 naming the first bad seq,
 * its line and why; a missing file exits 3.
 *
 * @example
 * await verifyExportFile("agent.ndjson", outputFor(opts));
 */
export async function verifyExportFile(file: string, out: Output): Promise<void> {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new CliError(EXIT.not_found, `no file ${file}`);
  }
  if (!isFile) throw new CliError(EXIT.usage, `${file} is not a file`);
  const report = await verifyExport(createReadStream(file));
  if (out.json) out.object({ file, ...report });
  else if (report.ok) out.line(`${out.color.green("ok")} ${report.head_seq}`);
  else out.line(`${out.color.red("bad")} ${exportReportText(report).slice("bad ".length)}`);
  if (!report.ok) {
    const at = report.first_bad_seq === undefined ? "" : ` at seq ${report.first_bad_seq}`;
    throw new CliError(
      EXIT.verify_failed,
      `${file} does not verify${at} (line ${report.line ?? "?"}): ${report.reason ?? "no reason given"}`,
    );
  }
}
