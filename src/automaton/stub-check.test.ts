import { describe, expect, it } from "vitest";
import { findStubs } from "./stub-check.js";

const one = (text: string) => findStubs([{ path: "f", text }]);

describe("findStubs", () => {
  it("finds nothing in finished code", () => {
    expect(one("export function add(a: number, b: number) {\n  return a + b;\n}\n")).toEqual([]);
    expect(one("const todoList = [];\nconst x = () => 1;\n")).toEqual([]);
  });

  it("names a TODO or FIXME comment", () => {
    expect(one("// TODO: write this\n")).toEqual(["f: a TODO marker"]);
    expect(one("# FIXME later")).toEqual(["f: a FIXME marker"]);
  });

  it("names Rust's todo!() and unimplemented!()", () => {
    expect(one("fn f() -> u32 { todo!() }")).toContain("f: todo!()");
    expect(one("fn g() -> u32 { unimplemented!() }")).toContain("f: unimplemented");
  });

  it("names empty function, method and arrow bodies", () => {
    expect(one("export function f(a: string): void {}")).toEqual(["f: an empty function body"]);
    expect(one("const f = (x) => { };")).toEqual(["f: an empty function body"]);
    expect(one("class A {\n  run() {}\n}")).toEqual(["f: an empty function body"]);
    expect(one("fn main() {}")).toEqual(["f: an empty function body"]);
  });

  it("names a Python placeholder body", () => {
    expect(one("def f():\n    pass\n")).toEqual(["f: a placeholder body (pass / ...)"]);
  });

  it("does not take an empty object or block for a function body", () => {
    expect(one("const config = {};\nif (x) {}\n")).toEqual([]);
  });

  it("reports every file that has a stub, by path", () => {
    const found = findStubs([
      { path: "a.ts", text: "ok();" },
      { path: "b.ts", text: "// TODO" },
    ]);
    expect(found).toEqual(["b.ts: a TODO marker"]);
  });
});
