import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { decodeAutomatonEvent } from "../../src/automaton/automaton-record.js";
import type { RecordEntry } from "../../src/core/record.js";
import type { AutomatonView } from "../../src/protocol/automatons.js";
import type { Commit, Project, Task } from "../../src/protocol/projects.js";
import { MockProvider } from "../../src/reasoner/mock.js";
import { scriptTasks } from "./dev-loop-helpers.js";
import {
  agentStub,
  bodyOf,
  call,
  createAgent,
  evictAgents,
  getRecord,
  getVerify,
  mintToken,
  submitTx,
  waitFor,
  waitForTx,
} from "./helpers.js";
import { createProject, createTask } from "./project-helpers.js";
import { finalText, scriptModel, toolCalls, turnView } from "./scripted-model.js";
import { done, plan, statusOf, write } from "./task-run-helpers.js";

const ORG = "org-dev-loop";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The opening prompts of the task turns the scripted model saw, in order. */
const prompts: string[] = [];

/** A promise the test resolves when it chooses (a model call held until then). */
function gate(): { held: Promise<void>; release: () => void } {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { held, release };
}

async function startLoop(projectId: string, extra: object = {}): Promise<Response> {
  return call("POST", "/automaton/start", { token, json: { project_id: projectId, ...extra } });
}

async function started(response: Response): Promise<string> {
  expect(response.status).toBe(201);
  const body = await bodyOf<{ automaton_id: string; event_stream_url: string }>(response);
  expect(body.event_stream_url).toBe(`/stream/automaton/${body.automaton_id}`);
  return body.automaton_id;
}

function finalOf(id: string): Promise<AutomatonView> {
  return waitFor(
    `dev loop ${id.slice(0, 8)} to end`,
    async () => {
      const view = await statusOf(token, id);
      return ["completed", "failed", "stopped"].includes(view.status) ? view : undefined;
    },
    90_000,
  );
}

async function tasksOf(project: Project): Promise<Task[]> {
  return bodyOf<Task[]>(await call("GET", `/projects/${project.id}/tasks`, { token }));
}

async function commitsOf(project: Project): Promise<Commit[]> {
  return bodyOf<Commit[]>(await call("GET", `/projects/${project.id}/commits`, { token }));
}

/** The `automaton_tick_done` details of an automaton, in order. */
async function tickDetails(
  id: string,
): Promise<Array<{ outcome: string; detail?: Record<string, unknown> }>> {
  const entries = await bodyOf<RecordEntry[]>(
    await call("GET", `/automatons/${id}/record`, { token }),
  );
  return entries.flatMap((e) => {
    const event = decodeAutomatonEvent(e.tx);
    return event?.type === "automaton_tick_done"
      ? [{ outcome: event.outcome, ...(event.detail ? { detail: event.detail } : {}) }]
      : [];
  });
}

describe("dev-loop", () => {
  it("builds a 4-task project in dependency order, retrying a task that failed twice, one commit per done task", async () => {
    const project = await createProject(token, { name: "four tasks" });
    const a = await createTask(token, project.id, { title: "alpha" });
    const b = await createTask(token, project.id, { title: "beta", dependency_ids: [a.id] });
    const c = await createTask(token, project.id, { title: "gamma", dependency_ids: [b.id] });
    const d = await createTask(token, project.id, { title: "delta", dependency_ids: [a.id] });
    const opened = scriptTasks({ beta: 2 }, prompts);

    const id = await started(await startLoop(project.id));
    const view = await finalOf(id);
    expect(view).toMatchObject({ status: "completed", kind: "dev-loop" });

    // Dependency order: every task's turn opened after its dependencies were done.
    expect(opened).toEqual(["alpha", "beta", "beta", "beta", "gamma", "delta"]);
    const tasks = await tasksOf(project);
    expect(tasks.map((t) => [t.title, t.status])).toEqual([
      ["alpha", "done"],
      ["beta", "done"],
      ["gamma", "done"],
      ["delta", "done"],
    ]);
    // Each retry's prompt carries the earlier failures.
    const retries = prompts.filter((p) => p.startsWith("# Task: beta\n")).slice(1);
    expect(retries[0]).toMatch(/attempt 1 of 3: the turn ended without an accepted task_done/);
    expect(retries[1]).toMatch(/attempt 2 of 3/);

    // Exactly one commit per done task, in the order they were done.
    const commits = await commitsOf(project);
    expect(commits.map((x) => x.message)).toEqual([
      `task(${d.id}): delta`,
      `task(${c.id}): gamma`,
      `task(${b.id}): beta`,
      `task(${a.id}): alpha`,
    ]);

    const ticks = await tickDetails(id);
    expect(ticks.map((t) => t.outcome)).toEqual([
      "task_done",
      "task_failed",
      "task_failed",
      "task_done",
      "task_done",
      "task_done",
      "loop_finished",
    ]);
    expect(ticks[1]?.detail).toMatchObject({ task_id: b.id, attempt: 1, retry: true });
    expect(ticks.at(-1)?.detail).toEqual({
      loop_finished: { outcome: "all_tasks_complete", completed_count: 4, failed_count: 0 },
    });
    expect(
      await bodyOf(await call("GET", `/projects/${project.id}/verify`, { token })),
    ).toMatchObject({ ok: true });
    expect((await getVerify(token, view.agent_id)).ok).toBe(true);
    // The loop's agent reads, lists and opens terminals in the project's workspace.
    const read = await call("GET", `/api/read-file?agent_id=${view.agent_id}&path=alpha.txt`, {
      token,
    });
    expect(await bodyOf(read)).toMatchObject({ ok: true, content: "the alpha part\n" });
    // The project names its dev loop; once finished, a new one may start.
    const named = await bodyOf<Project>(await call("GET", `/projects/${project.id}`, { token }));
    expect(named.dev_loop_automaton_id).toBe(id);
    const again = await started(await startLoop(project.id));
    expect((await finalOf(again)).status).toBe("completed");
    expect(await commitsOf(project)).toHaveLength(4);
  });

  it("fails a task after three attempts, blocks what depends on it, and ends all_tasks_blocked", async () => {
    const project = await createProject(token, { name: "blocked" });
    const x = await createTask(token, project.id, { title: "xray" });
    const y = await createTask(token, project.id, { title: "yankee", dependency_ids: [x.id] });
    const z = await createTask(token, project.id, { title: "zulu" });
    const opened = scriptTasks({ xray: 3 }, prompts);
    const id = await started(await startLoop(project.id));
    const view = await finalOf(id);
    expect(view.status).toBe("failed");
    expect(view.reason).toMatch(/^all_tasks_blocked/);
    expect(opened).toEqual(["xray", "xray", "xray", "zulu"]);
    const tasks = await tasksOf(project);
    expect(Object.fromEntries(tasks.map((t) => [t.id, t.status]))).toEqual({
      [x.id]: "failed",
      [y.id]: "blocked",
      [z.id]: "done",
    });
    const ticks = await tickDetails(id);
    expect(ticks[2]?.detail).toMatchObject({
      task_id: x.id,
      attempt: 3,
      retry: false,
      blocked: [y.id],
    });
    expect(ticks.at(-1)?.detail).toEqual({
      loop_finished: { outcome: "all_tasks_blocked", completed_count: 1, failed_count: 1 },
    });
    expect((await commitsOf(project)).map((c) => c.message)).toEqual([`task(${z.id}): zulu`]);
  });

  it("clones git_repo_url into the workspace first and commits on top of it", async () => {
    const project = await createProject(token, { name: "cloned" });
    const t = await createTask(token, project.id, { title: "readme" });
    scriptTasks({}, prompts);
    const id = await started(
      await startLoop(project.id, { git_repo_url: inject("gitRemoteUrl"), git_branch: "main" }),
    );
    expect((await finalOf(id)).status).toBe("completed");
    const commits = await commitsOf(project);
    expect(commits.map((c) => c.message)).toEqual([`task(${t.id}): readme`, "initial import"]);
    const readme = await call("GET", `/projects/${project.id}/read-file?path=README.md`, { token });
    expect(await bodyOf(readme)).toMatchObject({ content: "# upstream project\n" });
  });

  it("allows one dev loop per project: running or paused it refuses a second start, stopped it does not", async () => {
    const project = await createProject(token, { name: "one loop" });
    await createTask(token, project.id, { title: "only" });
    // The task's first model call waits until the test lets it answer.
    const { held, release } = gate();
    let calls = 0;
    vi.spyOn(MockProvider.prototype, "complete").mockImplementation(async (request) => {
      calls++;
      await held;
      return finalText(request.model, "not now");
    });
    const first = await started(await startLoop(project.id));
    await waitFor("the task's model call", async () => (calls > 0 ? true : undefined));
    const refused = await startLoop(project.id);
    expect(refused.status).toBe(409);
    const body = await bodyOf<{ error: { code: string; message: string } }>(refused);
    expect(body.error.code).toBe("conflict");
    expect(body.error.message).toContain(first);
    const paused = await call("POST", `/automaton/${first}/pause`, { token });
    expect(await bodyOf(paused)).toMatchObject({ ok: true, automaton_id: first, status: "paused" });
    expect((await startLoop(project.id)).status).toBe(409);
    release();
    const stopped = await call("POST", `/automaton/${first}/stop`, { token });
    expect(await bodyOf(stopped)).toMatchObject({ ok: true, status: "stopped" });
    vi.restoreAllMocks();
    scriptTasks({}, prompts);
    const next = await started(await startLoop(project.id));
    expect((await finalOf(next)).status).toBe("completed");
  });

  it("refuses a start for another org's project, a missing one, and a non-http remote", async () => {
    const project = await createProject(token, { name: "mine" });
    const other = await mintToken({ org: "org-dev-loop-other", sub: "eve" });
    const foreign = await call("POST", "/automaton/start", {
      token: other,
      json: { project_id: project.id },
    });
    expect(foreign.status).toBe(404);
    const local = await startLoop(project.id, { git_repo_url: "file:///etc" });
    expect(local.status).toBe(400);
    expect(JSON.stringify(await local.json())).toContain("git_repo_url");
  });
});

describe("dev-loop tools", () => {
  it("let an agent start its project's dev loop, see a second start refused, and stop it", async () => {
    const project = await createProject(token, { name: "driven by an agent" });
    await createTask(token, project.id, { title: "held" });
    // The loop's task turn waits until the test lets it answer.
    const { held, release } = gate();
    const results: Array<{ content: string; is_error: boolean }> = [];
    vi.spyOn(MockProvider.prototype, "complete").mockImplementation(async (request) => {
      const view = turnView(request);
      if (view.opening.startsWith("# Task: held")) {
        await held;
        return finalText(request.model, "not now");
      }
      results.push(...view.results.slice(results.length));
      const step = view.step;
      if (step === 0)
        return toolCalls(request.model, [{ id: "s1", name: "start_dev_loop", input: {} }]);
      if (step === 1)
        return toolCalls(request.model, [{ id: "s2", name: "start_dev_loop", input: {} }]);
      if (step === 2)
        return toolCalls(request.model, [{ id: "s3", name: "stop_dev_loop", input: {} }]);
      return finalText(request.model, "done driving");
    });
    const agentId = await createAgent(token, { project_id: project.id });
    const txId = await submitTx(token, {
      agent_id: agentId,
      kind: "user_prompt",
      text: "run the loop",
    });
    expect((await waitForTx(token, agentId, txId)).status).toBe("processed");
    release();
    expect(results).toHaveLength(3);
    const first = JSON.parse(results[0]?.content ?? "{}") as {
      automaton_id: string;
      status: string;
    };
    expect(first).toMatchObject({ status: "running" });
    expect(results[1]).toMatchObject({ is_error: true });
    expect(results[1]?.content).toContain(first.automaton_id);
    expect(JSON.parse(results[2]?.content ?? "{}")).toEqual({
      id: first.automaton_id,
      automaton_id: first.automaton_id,
      status: "stopped",
    });
    expect((await finalOf(first.automaton_id)).status).toBe("stopped");
  });
});

describe("dev-loop recovery", () => {
  it("resumes from the record after an eviction mid-task and repeats no model call, tool call or commit", async () => {
    const project = await createProject(token, { name: "evicted loop" });
    const first = await createTask(token, project.id, { title: "first" });
    const second = await createTask(token, project.id, {
      title: "second",
      dependency_ids: [first.id],
    });
    // The second task's third model call waits until the test lets it answer: the object is
    // evicted while it waits, with the task's plan and write recorded.
    const { held, release } = gate();
    let calls = 0;
    let holding = false;
    scriptModel(({ opening, step, request }) => {
      const title = /^# Task: (.*)\n/.exec(opening)?.[1];
      if (title === undefined) return undefined;
      calls++;
      const steps = [
        [plan],
        [write(`${title}.txt`, `${title}\n`)],
        [{ name: "run_command", input: { command: `echo ${title} >> runs.log` } }],
        [done()],
      ];
      const planned = steps[step];
      if (!planned) return finalText(request.model, `${title} finished`);
      return toolCalls(
        request.model,
        planned.map((c, i) => ({ id: `${title}-${step}-${i}`, ...c })),
      );
    });
    const scripted = vi.mocked(MockProvider.prototype.complete).getMockImplementation();
    vi.spyOn(MockProvider.prototype, "complete").mockImplementation(async function (
      this: MockProvider,
      request,
    ) {
      const view = turnView(request);
      if (view.opening.startsWith("# Task: second") && view.step === 2 && !holding) {
        holding = true;
        await held;
      }
      return scripted ? scripted.call(this, request) : finalText(request.model, "?");
    });
    const id = await started(await startLoop(project.id));
    const agentId = id.slice(0, 64);
    await waitFor(
      "the second task's third model call",
      async () => (holding ? true : undefined),
      60_000,
    );
    await evictAgents();
    release();
    await runInDurableObject(agentStub(ORG, agentId), (instance) =>
      Promise.all([instance.alarm(), instance.alarm()]),
    );
    const view = await waitFor(
      "the loop to end",
      async () => {
        await runInDurableObject(agentStub(ORG, agentId), (instance) => instance.alarm());
        const status = await statusOf(token, id);
        return status.status === "running" ? undefined : status;
      },
      60_000,
    );
    expect(view.status).toBe("completed");
    // Five model calls per task (four tool steps and the closing text): the held call, never
    // answered before the eviction, is made once by the resumed turn; nothing recorded again.
    expect(calls).toBe(10);
    const log = await call("GET", `/projects/${project.id}/read-file?path=runs.log`, { token });
    expect(await bodyOf(log)).toMatchObject({ ok: true, content: "first\nsecond\n" });
    const record = await getRecord(token, agentId);
    expect(record.filter((e) => e.tx.tx_type === "user_prompt")).toHaveLength(2);
    expect(record.filter((e) => e.tx.tx_type === "tool_execution")).toHaveLength(8);
    const ticks = await tickDetails(id);
    expect(ticks.map((t) => t.outcome)).toEqual(["task_done", "task_done", "loop_finished"]);
    expect((await commitsOf(project)).map((c) => c.message)).toEqual([
      `task(${second.id}): second`,
      `task(${first.id}): first`,
    ]);
    expect((await getVerify(token, agentId)).ok).toBe(true);
  });
});
