import { describe, expect, it } from "vitest";
import { RecordLog } from "./record-log.js";

const row = (seq: number) => ({ seq, txType: "reasoning", shortHash: "abcdef012345" });

describe("RecordLog", () => {
  it("appends without changing the snapshot it was appended to", () => {
    const one = RecordLog.empty().append(row(1));
    const two = one.append(row(2));
    expect(one.length).toBe(1);
    expect(one.at(1)).toBeUndefined();
    expect(two.slice(0, 10).map((r) => r.seq)).toEqual([1, 2]);
    expect(two.lastSeq()).toBe(2);
  });

  it("keeps branches of one snapshot apart", () => {
    const base = RecordLog.empty().append(row(1));
    const a = base.append(row(2));
    const b = base.append(row(3));
    expect(a.slice(0, 5).map((r) => r.seq)).toEqual([1, 2]);
    expect(b.slice(0, 5).map((r) => r.seq)).toEqual([1, 3]);
  });

  it("puts an older row in seq order and ignores a seq it has", () => {
    let log = RecordLog.empty().append(row(1)).append(row(4));
    log = log.insert(row(2)).insert(row(3)).insert(row(4)).insert(row(5));
    expect(log.slice(0, 10).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(log.indexOf(3)).toBe(2);
    expect(log.indexOf(9)).toBe(-1);
  });
});
