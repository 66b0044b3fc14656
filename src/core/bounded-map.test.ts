import { describe, expect, it } from "vitest";
import { setBounded } from "./bounded-map.js";

describe("setBounded", () => {
  it("drops the oldest entry when a new key would exceed the bound", () => {
    const map = new Map<string, number>();
    for (const [i, key] of ["a", "b", "c", "d"].entries()) setBounded(map, key, i, 3);
    expect([...map.keys()]).toEqual(["b", "c", "d"]);
  });

  it("updates an existing key in a full map without dropping anything", () => {
    const map = new Map([
      ["a", 1],
      ["b", 2],
    ]);
    setBounded(map, "a", 10, 2);
    expect(Object.fromEntries(map)).toEqual({ a: 10, b: 2 });
  });
});
