import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { domainTools } from "../../durable-objects/agent/domain-tools.js";
import { projectStub } from "../../durable-objects/stubs.js";
import { base64ToText } from "../../src/core/base64.js";
import type { Task } from "../../src/protocol/projects.js";
import { executions, projectRecord, runPrompt } from "./domain-tool-helpers.js";
import {
  bodyOf,
  call,
  createAgent,
  evictAgents,
  getRecord,
  getVerify,
  mintToken,
  payloadJson,
  submitTx,
  waitFor,
  waitForTx,
} from "./helpers.js";
import { createProject, tasksById } from "./project-helpers.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";
import { openSession } from "./stream-client.js";

const ORG = "org-domain-tools";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("domain tools", () => {
  it("let the model create a spec and tasks, list them and move a task, each change an entry of the project's record by the agent", async () => {
    // Given an agent bound to a project, whose model plans work there
    const project = await createProject(token, { name: "shop" });
    scriptModel(({ opening, step, results, request }) => {
      if (opening !== "plan the shop") return undefined;
      const m = request.model;
      const made = (i: number) => JSON.parse(results[i]?.content ?? "{}") as { id: string };
      if (step === 0)
        return toolCalls(m, [
          { id: "s", name: "create_spec", input: { title: "Cart", markdown_contents: "# Cart" } },
          { id: "a", name: "create_task", input: { title: "model the cart" } },
        ]);
      if (step === 1)
        return toolCalls(m, [
          {
            id: "b",
            name: "create_task",
            input: {
              project_id: project.id,
              title: "cart API",
              spec_id: made(0).id,
              dependency_ids: [made(1).id],
            },
          },
        ]);
      if (step === 2)
        return toolCalls(m, [
          { id: "l", name: "list_tasks", input: {} },
          {
            id: "t",
            name: "transition_task",
            input: { task_id: made(1).id, status: "in_progress" },
          },
        ]);
      return finalText(m, "planned");
    });
    const agentId = await createAgent(token, { project_id: project.id });

    // When a prompt runs the turn
    await runPrompt(token, agentId, "plan the shop");

    // Then every call was approved and recorded like a built-in's, with the project's answers
    const done = await executions(token, agentId);
    expect(done.map((e) => [e.tool, e.decision, e.is_error])).toEqual([
      ["create_spec", "approved", false],
      ["create_task", "approved", false],
      ["create_task", "approved", false],
      ["list_tasks", "approved", false],
      ["transition_task", "approved", false],
    ]);
    const listed = JSON.parse(String((done[3]?.result as { stdout: string }).stdout)) as Task[];
    expect(listed.map((t) => [t.title, t.status])).toEqual([
      ["model the cart", "ready"],
      ["cart API", "pending"],
    ]);
    const tasks = [...(await tasksById(token, project.id)).values()];
    expect(tasks.map((t) => [t.title, t.status])).toEqual([
      ["model the cart", "in_progress"],
      ["cart API", "pending"],
    ]);
    // And the project's record holds one entry per change, made by the agent, and verifies
    const record = await projectRecord(token, project.id);
    expect(record.map((e) => [JSON.parse(base64ToText(e.tx.payload)).command, e.tx.sub])).toEqual([
      ["create_project", "ann"],
      ["create_spec", `agent:${agentId}`],
      ["create_task", `agent:${agentId}`],
      ["create_task", `agent:${agentId}`],
      ["transition_task", `agent:${agentId}`],
    ]);
    const verify = await call("GET", `/projects/${project.id}/verify`, { token });
    expect(await bodyOf(verify)).toEqual({ ok: true, head_seq: 5, checked: 5 });
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true });
  });

  it("are announced in session_ready beside the built-ins, dev-loop tools included", async () => {
    const agentId = await createAgent(token);
    const { client, ready } = await openSession(token, agentId);
    const names = ready.tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "read_file",
        "list_specs",
        "transition_task",
        "start_dev_loop",
        "pause_dev_loop",
        "stop_dev_loop",
      ]),
    );
    client.close();
  });

  it("ask a person once under strict before a project changes, while reads run at once", async () => {
    // Given a strict agent whose model reads the tasks, then creates one
    const project = await createProject(token);
    scriptModel(({ opening, step, request }) => {
      if (opening !== "add a task") return undefined;
      if (step === 0) return toolCalls(request.model, [{ id: "r", name: "list_tasks", input: {} }]);
      if (step === 1)
        return toolCalls(request.model, [
          { id: "w", name: "create_task", input: { title: "asked for" } },
        ]);
      return finalText(request.model, "added");
    });
    const agentId = await createAgent(token, { policy: "strict", project_id: project.id });
    const txId = await submitTx(token, {
      agent_id: agentId,
      kind: "user_prompt",
      text: "add a task",
    });

    // When the turn parks on create_task, nothing has changed in the project yet
    const parked = await waitFor("create_task to wait for approval", async () => {
      const last = (await getRecord(token, agentId)).at(-1);
      const proposal = last?.tx.tx_type === "tool_proposal" ? payloadJson(last) : undefined;
      return proposal?.decision === "pending_approval" ? proposal : undefined;
    });
    expect(parked).toMatchObject({ tool: "create_task", reason: expect.stringMatching(/once/) });
    expect((await tasksById(token, project.id)).size).toBe(0);
    expect((await executions(token, agentId)).map((e) => e.tool)).toEqual(["list_tasks"]);

    // Then once approved, the task is created once and the turn finishes
    const approve = await call("POST", `/agents/${agentId}/approvals/w`, {
      token,
      json: { approved: true },
    });
    expect(approve.status).toBe(200);
    expect((await waitForTx(token, agentId, txId)).status).toBe("processed");
    const tasks = [...(await tasksById(token, project.id)).values()];
    expect(tasks.map((t) => t.title)).toEqual(["asked for"]);
  });

  it("apply a re-sent call once: the repeat, even after an eviction, answers the first outcome", async () => {
    // Given a task created by a domain tool call with some action id
    const project = await createProject(token);
    const run = () =>
      domainTools({
        org: ORG,
        agent_id: "a".repeat(64),
        project_id: project.id,
        now: () => Date.now(),
        project: (id) => projectStub(env, ORG, id),
      });
    const first = await run()("create_task", { title: "once", dependency_ids: [] }, "act-1");
    expect(first.result.ok).toBe(true);

    // When the same call is dispatched again after the objects were evicted
    await evictAgents();
    const again = await run()("create_task", { title: "once", dependency_ids: [] }, "act-1");
    // (a second start would be refused: in_progress → in_progress is no transition)
    const start = { task_id: first.result.metadata.id, status: "in_progress" };
    const moved = await run()("transition_task", start, "act-2");
    const movedAgain = await run()("transition_task", start, "act-2");

    // Then it answers what the first did, and the project changed once for each call
    expect(again.result).toEqual(first.result);
    expect(movedAgain.result).toEqual(moved.result);
    expect(moved.result.ok).toBe(true);
    const record = await projectRecord(token, project.id);
    expect(record.map((e) => JSON.parse(base64ToText(e.tx.payload)).command)).toEqual([
      "create_project",
      "create_task",
      "transition_task",
    ]);
    expect((await tasksById(token, project.id)).size).toBe(1);
  });

  it("deny invalid arguments before anything runs, naming the field", async () => {
    const project = await createProject(token);
    scriptModel(({ opening, step, request }) => {
      if (opening !== "bad move") return undefined;
      if (step === 0)
        return toolCalls(request.model, [
          { id: "x", name: "transition_task", input: { task_id: "nope", status: "done" } },
        ]);
      return finalText(request.model, "gave up");
    });
    const agentId = await createAgent(token, { project_id: project.id });
    await runPrompt(token, agentId, "bad move");
    const [denied] = await executions(token, agentId);
    expect(denied).toMatchObject({
      tool: "transition_task",
      decision: "denied",
      is_error: true,
      reason: expect.stringMatching(/^invalid_arguments: task_id: /),
    });
    expect(await projectRecord(token, project.id)).toHaveLength(1);
  });

  it("cannot reach another org's project, which answers like one that does not exist", async () => {
    // Given a project of another org, and an agent of this org that names it
    const stranger = await mintToken({ org: "org-domain-tools-elsewhere" });
    const theirs = await createProject(stranger, { name: "secret" });
    const missing = "e".repeat(64);
    scriptModel(({ opening, step, request }) => {
      if (opening !== "peek") return undefined;
      if (step === 0)
        return toolCalls(request.model, [
          { id: "p", name: "get_project", input: { project_id: theirs.id } },
          { id: "q", name: "create_task", input: { project_id: theirs.id, title: "x" } },
          { id: "m", name: "get_project", input: { project_id: missing } },
        ]);
      return finalText(request.model, "nothing there");
    });
    const agentId = await createAgent(token);
    await runPrompt(token, agentId, "peek");

    // Then each call fails as for a missing project, and their project is unchanged
    const results = (await executions(token, agentId)).map((e) => e.result as { stderr: string });
    expect(results.map((r) => r.stderr)).toEqual([
      `project_id: no project ${theirs.id} in your organisation`,
      `project_id: no project ${theirs.id} in your organisation`,
      `project_id: no project ${missing} in your organisation`,
    ]);
    expect(await projectRecord(stranger, theirs.id)).toHaveLength(1);
    // And an agent cannot be bound to it either
    const bound = await call("POST", "/agents", { token, json: { project_id: theirs.id } });
    expect(bound.status).toBe(400);
  });
});
