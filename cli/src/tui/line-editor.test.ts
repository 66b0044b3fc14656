import { describe, expect, it } from "vitest";
import { editLine, emptyEditor, submitLine } from "./line-editor.js";

const type = (text: string, editor = emptyEditor()) => editLine(editor, { kind: "insert", text });

describe("line editor", () => {
  it("inserts at the cursor and deletes before it", () => {
    let e = type("helo");
    e = editLine(e, { kind: "left" });
    e = type("l", e);
    expect(e.text).toBe("hello");
    e = editLine(editLine(e, { kind: "end" }), { kind: "backspace" });
    expect(e).toMatchObject({ text: "hell", cursor: 4 });
  });

  it("browses the history with up and down and gives the draft back", () => {
    let e = type("draft", emptyEditor(["first", "second"]));
    e = editLine(e, { kind: "up" });
    expect(e.text).toBe("second");
    e = editLine(e, { kind: "up" });
    expect(e.text).toBe("first");
    e = editLine(editLine(e, { kind: "down" }), { kind: "down" });
    expect(e.text).toBe("draft");
  });

  it("sends a trimmed line into the history once, and nothing for a blank line", () => {
    const sent = submitLine(type("  hi  "));
    expect(sent.line).toBe("hi");
    expect(sent.editor.history).toEqual(["hi"]);
    expect(submitLine(type("hi", sent.editor)).editor.history).toEqual(["hi"]);
    expect(submitLine(type("   ")).line).toBeUndefined();
  });

  it("drops control characters from pasted text and joins its lines", () => {
    expect(type("a\u0007b\nc").text).toBe("ab c");
  });
});
