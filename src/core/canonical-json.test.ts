import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("given an object with unsorted keys, when encoded, then keys come out sorted", () => {
    expect(canonicalJson({ b: 1, a: 2, c: 3 })).toBe('{"a":2,"b":1,"c":3}');
  });

  it("given nested objects inside objects and arrays, when encoded, then keys are sorted at every depth", () => {
    const value = { z: { y: { x: 1, w: 2 }, v: [{ u: 1, t: 2 }] }, a: null };
    expect(canonicalJson(value)).toBe('{"a":null,"z":{"v":[{"t":2,"u":1}],"y":{"w":2,"x":1}}}');
  });

  it("given keys that look like numbers, when encoded, then they sort as strings by UTF-16 code unit", () => {
    // Object.keys would list integer-like keys numerically first; canonical order is textual.
    expect(canonicalJson({ "10": 1, "9": 2, b: 3, B: 4, "": 5 })).toBe(
      '{"":5,"10":1,"9":2,"B":4,"b":3}',
    );
  });

  it("given any value, when encoded, then the output holds no whitespace outside strings", () => {
    const out = canonicalJson({ list: [1, 2, { k: "a b" }], flag: true, none: null });
    expect(out).toBe('{"flag":true,"list":[1,2,{"k":"a b"}],"none":null}');
    expect(out.replace(/"a b"/, "")).not.toMatch(/\s/);
  });

  it("given properties whose value is undefined, when encoded, then they are omitted as if absent", () => {
    expect(canonicalJson({ a: 1, b: undefined, c: { d: undefined } })).toBe('{"a":1,"c":{}}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it("given an object whose first property is undefined, when encoded, then no stray comma appears", () => {
    expect(canonicalJson({ a: undefined, b: 1, c: 2 })).toBe('{"b":1,"c":2}');
  });

  it("given an array, when encoded, then elements keep their order and undefined items become null", () => {
    expect(canonicalJson([3, 1, 2])).toBe("[3,1,2]");
    expect(canonicalJson(["b", "a"])).toBe('["b","a"]');
    expect(canonicalJson([1, undefined, 2])).toBe("[1,null,2]");
    expect(canonicalJson([])).toBe("[]");
  });

  it("given scalars, when encoded, then they take their JSON form", () => {
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson(true)).toBe("true");
    expect(canonicalJson(false)).toBe("false");
    expect(canonicalJson(0)).toBe("0");
    expect(canonicalJson(-0)).toBe("0");
    expect(canonicalJson(1.5)).toBe("1.5");
    expect(canonicalJson(1e21)).toBe("1e+21");
    expect(canonicalJson("x")).toBe('"x"');
  });

  it("given strings with quotes, control characters and non-ASCII text, when encoded, then escapes are stable and non-ASCII stays raw", () => {
    expect(canonicalJson('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(canonicalJson("line\nnext\ttab\u0001")).toBe('"line\\nnext\\ttab\\u0001"');
    expect(canonicalJson("héllo ☃ 🦀")).toBe('"héllo ☃ 🦀"');
    expect(canonicalJson({ ключ: "значение" })).toBe('{"ключ":"значение"}');
  });

  it("given a lone surrogate, when encoded, then it is escaped so the output is valid UTF-8", () => {
    expect(canonicalJson("\ud800")).toBe('"\\ud800"');
  });

  it("given non-ASCII keys, when encoded, then they sort by UTF-16 code unit", () => {
    // U+FF5E (one unit, 0xFF5E) sorts after U+1F600 (surrogate pair starting 0xD83D).
    expect(canonicalJson({ "～": 1, "😀": 2, é: 3, z: 4 })).toBe('{"z":4,"é":3,"😀":2,"～":1}');
  });

  it("given two equal values built with different key insertion orders, when encoded, then the strings are identical", () => {
    const a = { id: 1, meta: { tags: ["x", "y"], owner: { org: "o", sub: "s" } }, text: "t" };
    const b = { text: "t", meta: { owner: { sub: "s", org: "o" }, tags: ["x", "y"] }, id: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it("given canonical output, when parsed and re-encoded, then it is unchanged", () => {
    const out = canonicalJson({ b: [1, { d: "é", c: null }], a: "\u2028" });
    expect(canonicalJson(JSON.parse(out))).toBe(out);
  });

  it("given NaN or an infinity anywhere, when encoded, then it is refused", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(/non-finite/);
    expect(() => canonicalJson([Number.NEGATIVE_INFINITY])).toThrow(/non-finite/);
  });

  it("given a bigint, function or symbol anywhere, when encoded, then it is refused", () => {
    expect(() => canonicalJson(10n)).toThrow(/bigint/);
    expect(() => canonicalJson({ a: { b: 1n } })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
    expect(() => canonicalJson([Symbol("s")])).toThrow(/symbol/);
  });

  it("given a Date, Map, Set, typed array, RegExp or boxed primitive, when encoded, then it is refused instead of collapsing to an object of its own keys", () => {
    // Encoded by their own enumerable keys these would all be "{}" (or index-keyed objects),
    // so two different dates would hash the same.
    const nonPlain: unknown[] = [
      new Date(0),
      new Map([["a", 1]]),
      new Set([1]),
      new Uint8Array([1, 2]),
      new ArrayBuffer(2),
      /re/,
      new String("s"),
    ];
    for (const value of nonPlain) {
      expect(() => canonicalJson(value), Object.prototype.toString.call(value)).toThrow(TypeError);
      expect(() => canonicalJson({ nested: [value] })).toThrow(TypeError);
    }
  });

  it("given objects without a prototype or from class instances, when encoded, then their own enumerable properties are used", () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    class Point {
      constructor(
        readonly y: number,
        readonly x: number,
      ) {}
    }
    expect(canonicalJson(bare)).toBe('{"a":2,"b":1}');
    expect(canonicalJson(new Point(2, 1))).toBe('{"x":1,"y":2}');
  });

  it("given undefined at the top level, when encoded, then it is refused", () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});
