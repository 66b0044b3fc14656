import { describe, expect, it } from "vitest";
import { dependantsOf, findCycle, unknownDependencies } from "./dependency-graph.js";

describe("dependency graphs", () => {
  it("finds no cycle in a chain or a diamond", () => {
    expect(
      findCycle(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", []],
        ]),
      ),
    ).toBeUndefined();
    const diamond = new Map([
      ["a", ["b", "c"]],
      ["b", ["d"]],
      ["c", ["d"]],
      ["d", []],
    ]);
    expect(findCycle(diamond)).toBeUndefined();
  });

  it("names a cycle as the path that closes it", () => {
    expect(
      findCycle(
        new Map([
          ["x", ["a"]],
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a"]],
        ]),
      ),
    ).toEqual(["a", "b", "c", "a"]);
    expect(findCycle(new Map([["a", ["a"]]]))).toEqual(["a", "a"]);
  });

  it("walks a chain of 100,000 tasks without overflowing the stack", () => {
    const graph = new Map<string, string[]>();
    for (let i = 0; i < 100_000; i++) graph.set(`t${i}`, i === 0 ? [] : [`t${i - 1}`]);
    expect(findCycle(graph)).toBeUndefined();
    graph.set("t0", ["t99999"]);
    expect(findCycle(graph)?.length).toBe(100_001);
  });

  it("lists unknown dependencies and the dependants of a task", () => {
    const graph = new Map([
      ["a", []],
      ["b", ["a"]],
      ["c", ["a", "b"]],
    ]);
    expect(unknownDependencies(["a", "z"], graph)).toEqual(["z"]);
    expect(dependantsOf("a", graph)).toEqual(["b", "c"]);
  });
});
