import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MockProvider } from "../../src/reasoner/mock.js";
import { runtimeEvents } from "./dev-loop-helpers.js";
import {
  call,
  createAgent,
  getRecord,
  mintToken,
  payloadJson,
  submitTx,
  waitFor,
  waitForTx,
} from "./helpers.js";
import { createProject, createTask } from "./project-helpers.js";
import { finalText, toolCalls, turnView } from "./scripted-model.js";
import { finalOf, statusOf } from "./task-run-helpers.js";

const ORG = "org-domain-tools-dev-loop";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("pause_dev_loop", () => {
  it("pauses the project's running dev loop from an agent's turn, recorded in both records", async () => {
    const project = await createProject(token, { name: "paused by a tool" });
    await createTask(token, project.id, { title: "slow" });
    let releaseTask: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      releaseTask = resolve;
    });
    let taskCalls = 0;
    const results: Array<{ content: string; is_error: boolean }> = [];
    vi.spyOn(MockProvider.prototype, "complete").mockImplementation(async (request) => {
      const view = turnView(request);
      if (view.opening.startsWith("# Task: slow")) {
        taskCalls++;
        await held;
        return finalText(request.model, "not yet");
      }
      results.push(...view.results.slice(results.length));
      if (view.step === 0)
        return toolCalls(request.model, [{ id: "start", name: "start_dev_loop", input: {} }]);
      if (view.step === 1) {
        // The loop's task turn has begun before the pause is asked for.
        await waitFor("the loop's task turn", async () => (taskCalls > 0 ? true : undefined));
        return toolCalls(request.model, [{ id: "pause", name: "pause_dev_loop", input: {} }]);
      }
      return finalText(request.model, "paused it");
    });
    const agentId = await createAgent(token, { project_id: project.id });
    const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "pause" });
    expect((await waitForTx(token, agentId, txId)).status).toBe("processed");

    expect(results).toHaveLength(2);
    const { automaton_id: id } = JSON.parse(results[0]?.content ?? "{}") as {
      automaton_id: string;
    };
    expect(results[1]?.is_error).toBe(false);
    expect(JSON.parse(results[1]?.content ?? "{}")).toMatchObject({
      automaton_id: id,
      status: "paused",
    });
    expect((await statusOf(token, id)).status).toBe("paused");
    // The driver's record holds the call and its outcome; the loop's, the transition.
    const record = await getRecord(token, agentId);
    const executions = record
      .filter((e) => e.tx.tx_type === "tool_execution")
      .map((e) => payloadJson(e).tool);
    expect(executions).toEqual(["start_dev_loop", "pause_dev_loop"]);
    const lifecycle = (await runtimeEvents(token, id)).filter(
      (e) => e.type === "automaton_lifecycle",
    );
    expect(lifecycle.map((e) => [e.from, e.to])).toEqual([
      [null, "installing"],
      ["installing", "running"],
      ["running", "paused"],
    ]);

    releaseTask();
    expect((await call("POST", `/automaton/${id}/stop`, { token })).status).toBe(200);
    expect((await finalOf(token, id)).status).toBe("stopped");
  });
});
