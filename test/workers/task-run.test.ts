import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { bodyOf, call, getRecord, getVerify, mintToken, payloadJson } from "./helpers.js";
import { done, plan, runTask, statusOf, taskOf, write } from "./task-run-helpers.js";

const ORG = "org-task-run";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("task-run", () => {
  it("refuses a write before submit_plan, telling the model why", async () => {
    const run = await runTask(token, "early write", [
      [write("early.ts", "export const a = 1;\n")],
      "I will wait",
    ]);
    expect(run.seen[1]?.at(-1)).toMatchObject({ is_error: true });
    expect(run.seen[1]?.at(-1)?.content).toContain("refused until your plan is recorded");
    const view = await statusOf(token, run.automaton_id);
    expect(view.status).toBe("failed");
    // The refusal is an ordinary recorded call: a denied proposal, nothing dispatched
    const record = await getRecord(token, view.agent_id);
    const proposals = record.filter((e) => e.tx.tx_type === "tool_proposal").map(payloadJson);
    expect(proposals).toEqual([
      expect.objectContaining({ tool: "write_file", decision: "denied" }),
    ]);
    expect(String(proposals[0]?.reason)).toMatch(/^tool_disabled: write_file is refused/);
    expect((await getVerify(token, view.agent_id)).ok).toBe(true);
  });

  it("plans, writes and finishes: the task is done in the project, the automaton completed, and the project's record verifies", async () => {
    const run = await runTask(token, "add module", [
      [plan],
      [write("src/module.ts", "export function twice(n: number): number {\n  return 2 * n;\n}\n")],
      [done()],
      "finished",
    ]);
    expect(run.seen[3]?.at(-1)).toMatchObject({ is_error: false });
    const task = await taskOf(token, run);
    expect(task).toMatchObject({ status: "done", notes: "did it", attempts: 1 });
    expect(await statusOf(token, run.automaton_id)).toMatchObject({ status: "completed" });
    const verify = await call("GET", `/projects/${run.project.id}/verify`, { token });
    expect(await bodyOf(verify)).toMatchObject({ ok: true });
    // The file is in the project's workspace, not the agent's own
    const read = await call("GET", `/projects/${run.project.id}/read-file?path=src/module.ts`, {
      token,
    });
    expect(read.status).toBe(200);
  });

  it("refuses task_done when the task changed no file", async () => {
    const run = await runTask(token, "no change", [[plan], [done()], "giving up"]);
    expect(run.seen[2]?.at(-1)).toMatchObject({ is_error: true });
    expect(run.seen[2]?.at(-1)?.content).toContain("the task changed no file");
    expect((await taskOf(token, run)).status).toBe("failed");
  });

  it("refuses task_done while the change has a TODO stub, and accepts it once finished", async () => {
    const run = await runTask(token, "stubbed", [
      [plan],
      [write("stub.ts", "export const value = 1; // TODO compute it\n")],
      [done()],
      [write("stub.ts", "export const value = 41 + 1;\n")],
      [done()],
      "done",
    ]);
    expect(run.seen[3]?.at(-1)?.content).toContain("stub.ts: a TODO marker");
    expect(run.seen[3]?.at(-1)?.is_error).toBe(true);
    expect(run.seen[5]?.at(-1)?.is_error).toBe(false);
    expect((await taskOf(token, run)).status).toBe("done");
  });

  it("accepts task_done with no_changes_needed when nothing had to change", async () => {
    const run = await runTask(token, "already there", [
      [plan],
      [done({ no_changes_needed: true })],
      "ok",
    ]);
    expect(run.seen[2]?.at(-1)).toMatchObject({ is_error: false });
    expect((await taskOf(token, run)).status).toBe("done");
    expect((await statusOf(token, run.automaton_id)).status).toBe("completed");
  });

  it("fails the task and the automaton when the turn ends without task_done, with the reason in the task's notes", async () => {
    const run = await runTask(token, "silent", ["I am not doing this"]);
    const task = await taskOf(token, run);
    expect(task.status).toBe("failed");
    expect(task.notes).toContain("without an accepted task_done");
    expect(task.notes).toContain("I am not doing this");
    const view = await statusOf(token, run.automaton_id);
    expect(view).toMatchObject({ status: "failed" });
    expect(view.reason).toContain("without an accepted task_done");
  });
});
