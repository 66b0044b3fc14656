import { describe, expect, it } from "vitest";
import {
  type DispatchRequest,
  type DispatchResponse,
  isOutcomeUnknown,
  OutcomeUnknownMetadata,
} from "../../src/protocol/sandbox.js";
import type { SandboxClient } from "../../src/tools/sandbox-client.js";
import { SandboxErrorAnswer, SandboxUnavailable } from "../../src/tools/sandbox-errors.js";
import { type AgentTools, createToolDispatch } from "./tool-dispatch.js";

const agents: AgentTools = {
  send_message: () => Promise.reject(new Error("not used")),
  spawn_agent: () => Promise.reject(new Error("not used")),
};

/** A sandbox client whose dispatch answers from `answer`, counting the calls. */
function sandbox(answer: (request: DispatchRequest) => Promise<DispatchResponse>) {
  const calls: DispatchRequest[] = [];
  const client = {
    dispatch: (_workspace: string, request: DispatchRequest) => {
      calls.push(request);
      return answer(request);
    },
  } as unknown as SandboxClient;
  return { client, calls };
}

const call = { tool: "write_file", args: { path: "a", content: "x" }, action_id: "act-1" };

describe("createToolDispatch", () => {
  it("returns the sandbox's result and the files it changed", async () => {
    const { client, calls } = sandbox(async () => ({
      result: { tool: "write_file", ok: true, stdout: "wrote", stderr: "", metadata: {} },
      files_changed: { created: ["a"], modified: [], deleted: [] },
      replayed: false,
    }));
    const dispatch = createToolDispatch({ sandbox: { client, workspace: "w" }, agents });
    expect(await dispatch(call)).toMatchObject({
      result: { ok: true, stdout: "wrote" },
      files_changed: { created: ["a"] },
    });
    expect(calls).toEqual([{ action_id: "act-1", tool: "write_file", args: call.args }]);
  });

  it("re-sends with the same key while the sandbox cannot be reached, then records the outcome as unknown", async () => {
    const { client, calls } = sandbox(() => Promise.reject(new SandboxUnavailable("down")));
    const dispatch = createToolDispatch({
      sandbox: { client, workspace: "w" },
      agents,
      retryDelaysMs: [0, 0],
    });
    const { result } = await dispatch(call);
    expect(calls.map((c) => c.action_id)).toEqual(["act-1", "act-1", "act-1"]);
    expect(result.ok).toBe(false);
    expect(OutcomeUnknownMetadata.parse(result.metadata)).toEqual(result.metadata);
    expect(isOutcomeUnknown(result)).toBe(true);
  });

  it("does not re-send a call the sandbox turned away (4xx): it certainly did not run", async () => {
    const { client, calls } = sandbox(() =>
      Promise.reject(new SandboxErrorAnswer("unauthorized", "invalid sandbox token: expired")),
    );
    const dispatch = createToolDispatch({ sandbox: { client, workspace: "w" }, agents });
    const { result } = await dispatch(call);
    expect(calls).toHaveLength(1);
    expect(result.metadata).toEqual({ error_code: "io_error" });
    expect(result.stderr).toMatch(/^the sandbox refused the call: /);
  });

  it("re-sends a call the sandbox failed on itself (internal): it may have run", async () => {
    const { client, calls } = sandbox(() =>
      Promise.reject(new SandboxErrorAnswer("internal", "internal sandbox error")),
    );
    const dispatch = createToolDispatch({
      sandbox: { client, workspace: "w" },
      agents,
      retryDelaysMs: [0],
    });
    const { result } = await dispatch(call);
    expect(calls).toHaveLength(2);
    expect(isOutcomeUnknown(result)).toBe(true);
    expect(result.stderr).toContain("sandbox internal: internal sandbox error");
  });

  it("answers tool_disabled without a sandbox, and unknown_tool for a name nothing runs", async () => {
    const dispatch = createToolDispatch({ agents });
    expect((await dispatch(call)).result.metadata).toEqual({ error_code: "tool_disabled" });
    expect((await dispatch({ ...call, tool: "format_disk" })).result.metadata).toEqual({
      error_code: "unknown_tool",
    });
  });
});
