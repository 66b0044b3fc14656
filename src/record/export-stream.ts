import { AuraError } from "../core/errors.js";
import { EXPORT_FORMAT, type ExportHeader, type ExportInfo } from "../protocol/record-export.js";

/** Entries read per page while an export streams. */
export const EXPORT_PAGE = 500;

/** Reads entries `fromSeq…` (at most `limit`) of the exported record, as parsed JSON values. */
export type ReadPage = (fromSeq: number, limit: number) => Promise<readonly unknown[]>;

/**
 * An export as a byte stream of NDJSON: the header line, then entries `1..head_seq`, one per
 * line, read a page at a time as the reader pulls (memory stays bounded by one page). Entries
 * past the head at the start are left out, so the header's head is the last line's. A page that
 * cannot be read errors the stream: the body ends early, which a verifier reports as truncated.
 *
 * @example
 * const body = exportStream(info, Date.now(), (from, limit) => readEntries(from, limit));
 * return new Response(body, { headers: { "content-type": EXPORT_CONTENT_TYPE } });
 */
export function exportStream(
  info: ExportInfo,
  exportedAt: number,
  readPage: ReadPage,
  pageSize = EXPORT_PAGE,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    version: 1,
    ...info,
    exported_at: exportedAt,
  };
  let next = 1;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${JSON.stringify(header)}\n`));
      if (info.head_seq === 0) controller.close();
    },
    async pull(controller) {
      const limit = Math.min(pageSize, info.head_seq - next + 1);
      const page = await readPage(next, limit);
      if (page.length === 0) {
        controller.error(
          new AuraError("internal", `the record ends at seq ${next - 1}, before its head`),
        );
        return;
      }
      const lines = page.slice(0, limit).map((entry) => `${JSON.stringify(entry)}\n`);
      controller.enqueue(encoder.encode(lines.join("")));
      next += Math.min(page.length, limit);
      if (next > info.head_seq) controller.close();
    },
  });
}
