import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { createOutput, formatTable } from "./output.js";

function sink(isTTY: boolean, columns = 80) {
  const chunks: string[] = [];
  return {
    isTTY,
    columns,
    write: (chunk: string) => chunks.push(chunk),
    text: () => chunks.join(""),
  };
}

const COLUMNS = [
  { key: "id", header: "ID" },
  { key: "text", header: "TEXT" },
];

describe("output", () => {
  it("prints one JSON object per line when stdout is not a terminal", () => {
    const stream = sink(false);
    const out = createOutput({ stream, env: {} });
    out.table(COLUMNS, [
      { id: 1, text: "a" },
      { id: 2, text: "b" },
    ]);
    out.object({ ok: true });
    expect(out.json).toBe(true);
    expect(stream.text()).toBe('{"id":1,"text":"a"}\n{"id":2,"text":"b"}\n{"ok":true}\n');
  });

  it("prints JSON lines on a terminal too when --json is asked for", () => {
    const stream = sink(true);
    const out = createOutput({ json: true, stream, env: {} });
    out.table(COLUMNS, [{ id: 1, text: "a" }]);
    expect(stream.text()).toBe('{"id":1,"text":"a"}\n');
  });

  it("prints a table with a header on a terminal, without colour under NO_COLOR", () => {
    const stream = sink(true);
    const out = createOutput({ stream, env: { NO_COLOR: "1" } });
    out.table(COLUMNS, [{ id: 1, text: "hello" }]);
    expect(stream.text()).toBe("ID  TEXT\n1   hello\n");
  });

  it("colours the header on a terminal when NO_COLOR is not set", () => {
    const stream = sink(true);
    const out = createOutput({ stream, env: {} });
    out.table(COLUMNS, [{ id: 1, text: "hello" }]);
    expect(stream.text()).toContain("\u001b[1mID");
  });

  it("cuts the widest column so that no line is wider than the terminal", () => {
    const rows = [{ id: "a".repeat(64), text: "b".repeat(200) }];
    const lines = formatTable(COLUMNS, rows, 60, new Chalk({ level: 0 }));
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
    expect(lines[1]).toContain("…");
  });

  it("shows nested values as compact JSON and missing ones as blanks", () => {
    const lines = formatTable(COLUMNS, [{ id: { a: 1 } }], 80, new Chalk({ level: 0 }));
    expect(lines).toEqual(["ID       TEXT", '{"a":1}']);
  });
});
