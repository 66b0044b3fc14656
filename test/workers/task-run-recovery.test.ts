import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RecordEntry } from "../../src/core/record.js";
import type { AutomatonView } from "../../src/protocol/automatons.js";
import type { Task } from "../../src/protocol/projects.js";
import {
  agentStub,
  bodyOf,
  call,
  type ErrorResponse,
  evictAgents,
  getRecord,
  getVerify,
  mintToken,
  payloadJson,
  waitFor,
} from "./helpers.js";
import { createProject } from "./project-helpers.js";
import {
  done,
  finalOf,
  plan,
  type Step,
  scriptTask,
  startTask,
  statusOf,
  taskOf,
  write,
} from "./task-run-helpers.js";

const ORG = "org-task-run-recovery";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("task-run recovery and routes", () => {
  it("runs the turn once when the alarm is delivered twice and the object is evicted", async () => {
    const script = scriptTask("twice", [[plan], [done({ no_changes_needed: true })], "ok"]);
    const project = await createProject(token, { name: "twice" });
    const task = await bodyOf<Task>(
      await call("POST", `/projects/${project.id}/tasks`, { token, json: { title: "twice" } }),
    );
    const created = await call("POST", "/automatons", {
      token,
      json: {
        kind: "task-run",
        project_id: project.id,
        task_id: task.id,
        schedule: { type: "on_demand" },
      },
    });
    expect(created.status).toBe(201);
    const view = await bodyOf<AutomatonView>(created);
    expect(view).toMatchObject({ kind: "task-run", status: "running", ticks: 0 });
    const stub = agentStub(ORG, view.agent_id);
    const tick = await call("POST", `/automatons/${view.automaton_id}/tick`, { token });
    expect(tick.status).toBe(202);
    // The alarm delivered twice at once, then an eviction, then the alarm again until it ends
    await runInDurableObject(stub, (instance) => Promise.all([instance.alarm(), instance.alarm()]));
    await evictAgents();
    await waitFor("the task-run to end", async () => {
      await runInDurableObject(agentStub(ORG, view.agent_id), (instance) => instance.alarm());
      const { status } = await statusOf(token, view.automaton_id);
      return status === "running" ? undefined : true;
    });
    expect((await finalOf(token, view.automaton_id)).status).toBe("completed");
    expect(script.calls()).toBe(3);
    const record: RecordEntry[] = await getRecord(token, view.agent_id);
    const prompts = record.filter((e) => e.tx.tx_type === "user_prompt");
    expect(prompts).toHaveLength(1);
    const dones = record.filter((e) => e.tx.tx_type === "tool_execution");
    expect(dones).toHaveLength(2);
    expect((await taskOf(token, { project, task })).status).toBe("done");
  });

  it("refuses a task-run without its task, and another org's project like a missing one", async () => {
    const project = await createProject(token, { name: "checks" });
    const missing = await call("POST", "/automatons", {
      token,
      json: { kind: "task-run", project_id: project.id, schedule: { type: "on_demand" } },
    });
    expect(missing.status).toBe(400);
    expect((await bodyOf<ErrorResponse>(missing)).error.message).toContain("task_id");
    const other = await mintToken({ org: "org-task-run-other" });
    const task = await bodyOf<Task>(
      await call("POST", `/projects/${project.id}/tasks`, { token, json: { title: "t" } }),
    );
    const foreign = await call("POST", "/automaton/start", {
      token: other,
      json: { project_id: project.id, task_id: task.id },
    });
    expect(foreign.status).toBe(404);
    // Without task_id it is the project's dev loop, which runs on no event-driven schedule.
    const devLoop = await call("POST", "/automaton/start", {
      token,
      json: {
        project_id: project.id,
        schedule: { type: "event_driven", event_filter: { tx_type: "trigger" } },
      },
    });
    expect(devLoop.status).toBe(400);
    const refused = (await bodyOf<ErrorResponse>(devLoop)).error;
    expect(refused.code).toBe("invalid_request");
    expect(refused.message).toContain("schedule.type: a dev-loop runs on");
  });

  it("repeats nothing when the object is evicted mid-turn while a command runs", async () => {
    const steps: Step[] = [
      [plan],
      [write("evicted.ts", "export const ran = true;\n")],
      [{ name: "run_command", input: { command: "sleep 1; echo ran >> runs.log" } }],
      [done()],
      "ok",
    ];
    const script = scriptTask("evicted", steps);
    const { project, automaton_id: id, agent_id: agentId } = await startTask(token, "evicted");
    // Evicted while the sandbox runs the command: its proposal is committed, its outcome not
    await waitFor("the command's proposal", async () => {
      const last = (await getRecord(token, agentId)).at(-1);
      return last && payloadJson(last).tool === "run_command" ? true : undefined;
    });
    await evictAgents();
    await waitFor("the task-run to end", async () => {
      await runInDurableObject(agentStub(ORG, agentId), (instance) => instance.alarm());
      const { status } = await statusOf(token, id);
      return status === "running" ? undefined : true;
    });
    expect((await statusOf(token, id)).status).toBe("completed");
    expect(script.calls()).toBe(steps.length);
    const log = await call("GET", `/projects/${project.id}/read-file?path=runs.log`, { token });
    expect(await bodyOf(log)).toMatchObject({ ok: true, content: "ran\n" });
    const record = await getRecord(token, agentId);
    expect(record.filter((e) => e.tx.tx_type === "tool_execution")).toHaveLength(4);
    expect((await getVerify(token, agentId)).ok).toBe(true);
  });
});
