import { describe, expect, it } from "vitest";
import { textToBase64 } from "../core/base64.js";
import type { RecordEntry } from "../core/record.js";
import { exportStream } from "./export-stream.js";
import { chunked, fixtureExport, ndjson } from "./test-export.js";
import { exportReportText, verifyExport } from "./verify-export.js";

function verifyText(text: string) {
  return verifyExport(chunked(text, 1000));
}

describe("verifyExport", () => {
  it("reports an untouched export as ok, with its head", async () => {
    const { text, header } = fixtureExport(12);
    const report = await verifyText(text);
    expect(report).toEqual({ ok: true, agent_id: header.agent_id, head_seq: 12, checked: 12 });
    expect(exportReportText(report)).toBe("ok 12");
  });

  it("reports a rewritten payload at its seq and line, the entries before it checked", async () => {
    const { header, entries } = fixtureExport(12);
    const tampered = structuredClone(entries) as RecordEntry[];
    (tampered[6] as RecordEntry).tx.payload = textToBase64("rewritten history");

    const report = await verifyText(ndjson(header, tampered));

    expect(report).toMatchObject({ ok: false, first_bad_seq: 7, line: 8, checked: 6 });
    expect(report.reason).toMatch(/^hash_mismatch: /);
    expect(exportReportText(report)).toMatch(/^bad 7 \(line 8\) hash_mismatch: /);
  });

  it("reports an export verified with the wrong window as a context hash mismatch", async () => {
    const { header, entries } = fixtureExport(12, 4);
    const report = await verifyText(ndjson({ ...header, window_size: 3 }, entries));
    expect(report).toMatchObject({ ok: false, first_bad_seq: 5 });
    expect(report.reason).toMatch(/^context_hash_mismatch: /);
  });

  it("reports a truncated export as a seq gap after its last line", async () => {
    const { header, entries } = fixtureExport(12);
    const report = await verifyText(ndjson(header, entries.slice(0, 9)));
    expect(report).toMatchObject({ ok: false, first_bad_seq: 10, line: 11, checked: 9 });
    expect(report.reason).toMatch(
      /^seq_gap: the export ends at seq 9 but its header's head_seq is 12/,
    );
  });

  it("reports entries past the header's head, a missing entry, and a wrong head hash", async () => {
    const { header, entries } = fixtureExport(12);
    expect(await verifyText(ndjson({ ...header, head_seq: 10 }, entries))).toMatchObject({
      ok: false,
      first_bad_seq: 11,
      line: 12,
    });
    const gap = await verifyText(ndjson(header, [...entries.slice(0, 4), ...entries.slice(5)]));
    expect(gap).toMatchObject({ ok: false, first_bad_seq: 5, line: 6 });
    expect(gap.reason).toBe("seq_gap: expected seq 5, found 6");
    const head = await verifyText(ndjson({ ...header, head_hash: "b".repeat(64) }, entries));
    expect(head).toMatchObject({ ok: false, first_bad_seq: 12, line: 13 });
  });

  it("reports a header that is not one, and an entry that is not one, naming the line", async () => {
    const { header, entries } = fixtureExport(3);
    const noHeader = await verifyText("garbage\n");
    expect(noHeader).toEqual({
      ok: false,
      head_seq: 0,
      checked: 0,
      line: 1,
      reason: "malformed_header: not JSON",
    });
    expect(exportReportText(noHeader)).toBe("bad line 1 malformed_header: not JSON");
    const wrongFormat = await verifyText(ndjson({ ...header, format: "other" }, entries));
    expect(wrongFormat.reason).toMatch(/^malformed_header: format: /);
    const badEntry = await verifyText(ndjson(header, [entries[0], { seq: 2 }, entries[2]]));
    expect(badEntry).toMatchObject({ ok: false, first_bad_seq: 2, line: 3 });
    expect(badEntry.reason).toMatch(/^malformed_entry: tx: /);
    expect(await verifyText("")).toMatchObject({ ok: false, line: 1 });
  });
});

describe("exportStream", () => {
  it("streams the header and every entry a page at a time, and what it streams verifies", async () => {
    const { header, entries } = fixtureExport(2 * 5 + 3);
    const { format: _f, version: _v, exported_at, ...info } = header;
    const reads: Array<[number, number]> = [];
    const stream = exportStream(
      info,
      exported_at,
      async (fromSeq, limit) => {
        reads.push([fromSeq, limit]);
        return entries.slice(fromSeq - 1, fromSeq - 1 + limit);
      },
      5,
    );

    const text = await new Response(stream).text();

    expect(text).toBe(ndjson(header, entries));
    expect(reads).toEqual([
      [1, 5],
      [6, 5],
      [11, 3],
    ]);
    expect(await verifyExport(new Blob([text]).stream())).toMatchObject({
      ok: true,
      head_seq: 13,
    });
  });

  it("errors the stream when the record ends before the head it announced", async () => {
    const { header, entries } = fixtureExport(5);
    const { format: _f, version: _v, exported_at, ...info } = header;
    const stream = exportStream(info, exported_at, async (fromSeq, limit) =>
      entries.slice(fromSeq - 1, Math.min(3, fromSeq - 1 + limit)),
    );
    await expect(new Response(stream).text()).rejects.toThrow(/ends at seq 3/);
  });
});
