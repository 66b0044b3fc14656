import { describe, expect, it } from "vitest";
import { planEdit } from "../../sandbox/src/tools/edit-match.js";

describe("planEdit", () => {
  it("prefers an exact match, even inside a line", () => {
    expect(planEdit("let a = 1; let b = 2;", "b = 2", "b = 3", false)).toEqual({
      ok: true,
      text: "let a = 1; let b = 3;",
      replacements: 1,
      match: "exact",
    });
  });

  it("inserts replacement text literally, $ patterns included", () => {
    const plan = planEdit("price\n", "price", "$& $1 $$", false);
    expect(plan).toMatchObject({ ok: true, text: "$& $1 $$\n" });
  });

  it("matches whole lines ignoring indentation and inner whitespace runs", () => {
    const plan = planEdit(
      "a\n\tif ( x )  {\n\t\ty();\n\t}\nz\n",
      "if ( x ) {\n y();\n}\n",
      "w\n",
      false,
    );
    expect(plan).toEqual({
      ok: true,
      text: "a\nw\nz\n",
      replacements: 1,
      match: "whitespace_tolerant",
    });
  });

  it("deletes the matched lines when the replacement is empty", () => {
    expect(planEdit("keep\n  drop me\nkeep\n", "drop   me", "", false)).toMatchObject({
      ok: true,
      text: "keep\nkeep\n",
    });
  });

  it("counts whitespace-tolerant matches and replaces them all with replaceAll", () => {
    const content = "  x();\ny\n    x();\n";
    expect(planEdit(content, "x( );", "z", false)).toEqual({ ok: false, reason: "not_found" });
    expect(planEdit(content, " x(); ", "z();", false)).toEqual({
      ok: false,
      reason: "ambiguous",
      count: 2,
    });
    expect(planEdit(content, " x(); ", "z();", true)).toMatchObject({
      ok: true,
      text: "z();\ny\nz();\n",
      replacements: 2,
    });
  });

  it("never matches a needle of blank lines loosely", () => {
    expect(planEdit("a\n\nb\n", "  \n", "x", false)).toEqual({ ok: false, reason: "not_found" });
  });
});
