import { describe, expect, it } from "vitest";
import {
  initialStallState,
  type ObservedCall,
  observeIteration,
  type StallState,
  type StallVerdict,
} from "./stall.js";

const write = (path: string, is_error = true): ObservedCall => ({
  name: "write_file",
  input: { path, content: "x" },
  is_error,
});
const read = (is_error: boolean): ObservedCall => ({ name: "read_file", input: {}, is_error });

/** Folds the iterations and returns each iteration's verdict. */
function verdicts(iterations: ObservedCall[][]): (StallVerdict | null)[] {
  let state: StallState = initialStallState();
  return iterations.map((calls) => {
    const observed = observeIteration(state, calls);
    state = observed.state;
    return observed.verdict;
  });
}

describe("observeIteration", () => {
  it("detects a stall on the third iteration of failing writes to the same file", () => {
    expect(verdicts([[write("a")], [write("a")], [write("a")]])).toEqual([
      null,
      null,
      "stall_detected",
    ]);
  });

  it("treats edit_file and delete_file as writes, and compares the set of targets", () => {
    const edit = { name: "edit_file", input: { path: "b" }, is_error: true };
    const del = { name: "delete_file", input: { path: "a" }, is_error: true };
    expect(
      verdicts([
        [write("a"), edit],
        [edit, del],
        [del, edit],
      ]).at(-1),
    ).toBe("stall_detected");
  });

  it("restarts the count when the failing writes move to other files", () => {
    expect(verdicts([[write("a")], [write("a")], [write("b")], [write("b")]])).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it("restarts the count when a write succeeds", () => {
    const out = verdicts([
      [write("a")],
      [write("a"), write("a", false)],
      [write("a")],
      [write("a")],
    ]);
    expect(out).toEqual([null, null, null, null]);
  });

  it("restarts the count after an iteration without writes", () => {
    expect(verdicts([[write("a")], [write("a")], [read(false)], [write("a")]])).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it("stops on the fifth iteration in a row in which every tool call failed", () => {
    const calls = [read(true), { name: "run_command", input: {}, is_error: true }];
    expect(verdicts([calls, calls, calls, calls, calls])).toEqual([
      null,
      null,
      null,
      null,
      "all_tools_failed",
    ]);
  });

  it("restarts the failure count after an iteration with one successful call", () => {
    const bad = [read(true)];
    const out = verdicts([bad, bad, bad, bad, [read(true), read(false)], bad, bad]);
    expect(out.every((v) => v === null)).toBe(true);
  });

  it("does not count an iteration without tool calls as all failed", () => {
    const bad = [read(true)];
    expect(verdicts([bad, bad, bad, bad, [], bad]).every((v) => v === null)).toBe(true);
  });
});
