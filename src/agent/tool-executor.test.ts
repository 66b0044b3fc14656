import { describe, expect, it } from "vitest";
import { FakeExecutor } from "./loop-fixture.js";
import {
  addFilesChanged,
  type FilesChanged,
  runToolCall,
  TurnSuspension,
} from "./tool-executor.js";

const call = { tool_use_id: "t1", name: "read_file", input: { path: "a" } };
const known = new Set(["read_file"]);

describe("runToolCall", () => {
  it("returns the executor's outcome for a known tool", async () => {
    const executor = new FakeExecutor({ read_file: () => ({ content: "A", is_error: false }) });
    expect(await runToolCall(executor, call, known, {})).toEqual({ content: "A", is_error: false });
    expect(executor.calls).toEqual([call]);
  });

  it("answers an unknown tool with an unknown_tool error without calling the executor", async () => {
    const executor = new FakeExecutor();
    const outcome = await runToolCall(executor, { ...call, name: "nope" }, known, {});
    expect(outcome).toEqual({ content: 'unknown_tool: no tool named "nope"', is_error: true });
    expect(executor.calls).toEqual([]);
  });

  it("turns a throwing executor into an error outcome with the thrown message", async () => {
    const executor = new FakeExecutor({
      read_file: () => {
        throw new Error("boom");
      },
    });
    const outcome = await runToolCall(executor, call, known, {});
    expect(outcome).toEqual({ content: "tool execution failed: boom", is_error: true });
  });
});

describe("addFilesChanged", () => {
  it("adds each changed path once per list", () => {
    const total: FilesChanged = { created: ["a"], modified: [], deleted: [] };
    addFilesChanged(total, { created: ["a", "b"], modified: ["c"] });
    addFilesChanged(total, undefined);
    expect(total).toEqual({ created: ["a", "b"], modified: ["c"], deleted: [] });
  });
});

describe("runToolCall and suspension", () => {
  it("lets a TurnSuspension through instead of turning it into an error result", async () => {
    const executor = {
      execute: () => Promise.reject(new TurnSuspension("waits for approval")),
    };
    const call = { tool_use_id: "t1", name: "run_command", input: {} };
    await expect(runToolCall(executor, call, new Set(["run_command"]), {})).rejects.toBeInstanceOf(
      TurnSuspension,
    );
  });
});
