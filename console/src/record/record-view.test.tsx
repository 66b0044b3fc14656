import { render } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import type { AgentsApi } from "../api/agents-api.js";
import type { RecordStore } from "./record-store.js";
import { RecordView } from "./record-view.js";
import { visibleWindow } from "./virtual-window.js";

function storeOf(count: number): RecordStore {
  const rows = Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    txType: i % 2 ? "reasoning" : "user_prompt",
    hash: (i + 1).toString(16).padStart(64, "0"),
  }));
  return { rows, read: count, list: () => rows, entry: () => undefined } as unknown as RecordStore;
}

describe("the record list", () => {
  it("renders only the rows in view of a 10,000-entry record", () => {
    const html = render(
      <RecordView
        api={{} as AgentsApi}
        agentId={"a".repeat(64)}
        store={storeOf(10_000)}
        recordVersion={0}
      />,
    );
    expect(html).toContain("10000 entries");
    expect(html).toContain('aria-label="Entry 1 user_prompt"');
    expect(html).not.toContain('aria-label="Entry 100 ');
    expect(html.match(/<li /g)?.length).toBeLessThan(40);
    // The list is as tall as every row, so the scroll bar is true to the record's length.
    expect(html).toContain("height:320000px");
  });

  it("shows each entry's seq, type and short hash", () => {
    const html = render(
      <RecordView
        api={{} as AgentsApi}
        agentId={"a".repeat(64)}
        store={storeOf(2)}
        recordVersion={0}
      />,
    );
    expect(html).toContain(">2</span>");
    expect(html).toContain(">reasoning</span>");
    expect(html).toContain("000000000002");
  });

  it("shows a row not read yet as its seq, busy, and how much of the record is read", () => {
    const rows: unknown[] = [];
    rows.length = 3;
    rows[0] = { seq: 1, txType: "user_prompt", hash: "1".padStart(64, "0") };
    const store = { rows, read: 1, list: () => [rows[0]], entry: () => undefined };
    const html = render(
      <RecordView
        api={{} as AgentsApi}
        agentId={"a".repeat(64)}
        store={store as unknown as RecordStore}
        recordVersion={0}
      />,
    );
    expect(html).toContain("3 entries");
    expect(html).toContain('aria-label="Entry 1 user_prompt"');
    expect(html.match(/<li class="record-row pending" aria-busy="true"/g)?.length).toBe(2);
    expect(html).toContain("read 1 of 3");
  });

  it("keeps a window of rows around what is visible", () => {
    expect(
      visibleWindow({ count: 10_000, rowPx: 32, scrollTop: 3200, height: 640, overscan: 10 }),
    ).toEqual({
      from: 90,
      to: 130,
    });
    expect(visibleWindow({ count: 5, rowPx: 32, scrollTop: 0, height: 640, overscan: 10 })).toEqual(
      {
        from: 0,
        to: 5,
      },
    );
  });
});
