import { describe, expect, it } from "vitest";
import type { RecordedToolCall } from "../../src/agent/recorded-tool-calls.js";
import type { ToolExecutionRecord, ToolProposalRecord } from "../../src/agent/tool-record.js";
import { resolvePolicy } from "../../src/kernel/policy.js";
import { validateToolArgs } from "../../src/tools/validate-args.js";
import {
  type DispatchOutcome,
  RecordingToolGateway,
  type ToolGatewayHost,
  TurnParked,
} from "./tool-gateway.js";

/** A gateway over an in-memory record, with a dispatch that counts what it ran. */
function harness(options: {
  policy?: Parameters<typeof resolvePolicy>[0];
  recorded?: RecordedToolCall[];
  approvedThisSession?: boolean;
  paused?: boolean;
}) {
  const log: Array<{ type: string; value: ToolProposalRecord | ToolExecutionRecord }> = [];
  const dispatched: Array<{ tool: string; action_id: string }> = [];
  let flushes = 0;
  const host: ToolGatewayHost = {
    policy: resolvePolicy(options.policy, "dev"),
    validate: validateToolArgs,
    recorded: options.recorded ?? [],
    approvedThisSession: () => options.approvedThisSession ?? false,
    propose: (proposal) => {
      log.push({ type: "tool_proposal", value: proposal });
      return `proposal-${log.length}`;
    },
    executed: (execution) => {
      log.push({ type: "tool_execution", value: execution });
    },
    flush: () => {
      flushes++;
    },
    mayDispatch: () => !options.paused,
    dispatch: async (call): Promise<DispatchOutcome> => {
      dispatched.push({ tool: call.tool, action_id: call.action_id });
      return {
        result: { tool: call.tool, ok: true, stdout: `ran ${call.tool}`, stderr: "", metadata: {} },
        files_changed: { created: ["a.txt"], modified: [], deleted: [] },
      };
    },
  };
  return { gateway: new RecordingToolGateway(host), log, dispatched, flushes: () => flushes };
}

const write = { tool_use_id: "t1", name: "write_file", input: { path: "a.txt", content: "x" } };

describe("RecordingToolGateway", () => {
  it("records the proposal, makes it durable, dispatches with its id as the key, then records the outcome", async () => {
    const h = harness({});
    const outcome = await h.gateway.execute(write);
    expect(outcome).toEqual({
      content: "ran write_file",
      is_error: false,
      files_changed: { created: ["a.txt"], modified: [], deleted: [] },
    });
    expect(h.log.map((e) => e.type)).toEqual(["tool_proposal", "tool_execution"]);
    expect(h.log[0]?.value).toMatchObject({ decision: "approved", tool_use_id: "t1" });
    expect(h.log[1]?.value).toMatchObject({ decision: "approved", action_id: "proposal-1" });
    expect(h.dispatched).toEqual([{ tool: "write_file", action_id: "proposal-1" }]);
    expect(h.flushes()).toBe(1);
  });

  it("refuses invalid arguments before any decision or dispatch, naming the field", async () => {
    const h = harness({});
    const outcome = await h.gateway.execute({ tool_use_id: "t1", name: "read_file", input: {} });
    expect(outcome.is_error).toBe(true);
    expect(outcome.content).toMatch(/^invalid_arguments: path: /);
    expect(h.log.map((e) => [e.type, e.value.decision])).toEqual([
      ["tool_proposal", "denied"],
      ["tool_execution", "denied"],
    ]);
    expect(h.dispatched).toEqual([]);
  });

  it("records a call the policy denies as rejected and gives the model an error result", async () => {
    const h = harness({ policy: { tools: { write_file: "deny" } } });
    const outcome = await h.gateway.execute(write);
    expect(outcome).toEqual({ content: "tool_disabled: policy denies write_file", is_error: true });
    expect(h.log[1]?.value).toMatchObject({ decision: "denied", is_error: true });
    expect(h.dispatched).toEqual([]);
  });

  it("parks the turn on a call that needs approval, with the proposal durable", async () => {
    const h = harness({ policy: "strict" });
    await expect(h.gateway.execute(write)).rejects.toBeInstanceOf(TurnParked);
    expect(h.log.map((e) => [e.type, e.value.decision])).toEqual([
      ["tool_proposal", "pending_approval"],
    ]);
    expect(h.flushes()).toBe(1);
    expect(h.dispatched).toEqual([]);
  });

  it("does not ask again for an ask_once tool approved earlier in the session", async () => {
    const h = harness({ policy: "strict", approvedThisSession: true });
    expect((await h.gateway.execute(write)).is_error).toBe(false);
    expect(h.dispatched).toHaveLength(1);
  });

  const proposal: ToolProposalRecord = {
    tool_use_id: "t1",
    tool: "write_file",
    args: write.input,
    decision: "pending_approval",
    reason: "needs approval",
  };

  it("stays parked on replay while no answer is recorded, recording nothing more", async () => {
    const h = harness({ recorded: [{ proposal, proposal_tx: "p1" }] });
    await expect(h.gateway.execute(write)).rejects.toBeInstanceOf(TurnParked);
    expect(h.log).toEqual([]);
  });

  it("runs a parked call once it is approved, with the proposal's key", async () => {
    const approval = {
      kind: "approval" as const,
      tool_use_id: "t1",
      tool: "write_file",
      approved: true,
      approver: "ann",
    };
    const h = harness({ recorded: [{ proposal, proposal_tx: "p1", approval }] });
    expect((await h.gateway.execute(write)).is_error).toBe(false);
    expect(h.dispatched).toEqual([{ tool: "write_file", action_id: "p1" }]);
    expect(h.log[0]?.value).toMatchObject({ decision: "approved", reason: "approved by ann" });
  });

  it("refuses a parked call the person denied, without running it", async () => {
    const approval = {
      kind: "approval" as const,
      tool_use_id: "t1",
      tool: "write_file",
      approved: false,
    };
    const h = harness({ recorded: [{ proposal, proposal_tx: "p1", approval }] });
    const outcome = await h.gateway.execute(write);
    expect(outcome).toEqual({ content: "tool_disabled: denied", is_error: true });
    expect(h.dispatched).toEqual([]);
  });

  it("answers a recorded execution from the record without dispatching", async () => {
    const execution: ToolExecutionRecord = {
      tool_use_id: "t1",
      tool: "write_file",
      args: write.input,
      decision: "approved",
      result: { tool: "write_file", ok: true, stdout: "recorded", stderr: "", metadata: {} },
      is_error: false,
    };
    const h = harness({
      recorded: [{ proposal: { ...proposal, decision: "approved" }, proposal_tx: "p1", execution }],
    });
    expect(await h.gateway.execute(write)).toEqual({ content: "recorded", is_error: false });
    expect(h.dispatched).toEqual([]);
    expect(h.log).toEqual([]);
  });

  it("re-sends an approved call whose outcome was never recorded with the same key, once", async () => {
    const h = harness({
      recorded: [{ proposal: { ...proposal, decision: "approved" }, proposal_tx: "p1" }],
    });
    await h.gateway.execute(write);
    expect(h.dispatched).toEqual([{ tool: "write_file", action_id: "p1" }]);
    expect(h.log.map((e) => e.type)).toEqual(["tool_execution"]);
  });

  it("refuses to replay a call that differs from the recorded one", async () => {
    const h = harness({ recorded: [{ proposal, proposal_tx: "p1" }] });
    await expect(h.gateway.execute({ ...write, tool_use_id: "other" })).rejects.toThrow(/diverged/);
  });

  it("suspends instead of dispatching while the agent is paused", async () => {
    const h = harness({ paused: true });
    await expect(h.gateway.execute(write)).rejects.toThrow(/paused/);
    expect(h.dispatched).toEqual([]);
  });
});
