import { exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AutomatonStreamEvent } from "../../src/protocol/automaton-stream.js";
import { scriptTasks } from "./dev-loop-helpers.js";
import { bodyOf, call, mintToken } from "./helpers.js";
import { createProject, createTask } from "./project-helpers.js";
import { finalOf } from "./task-run-helpers.js";

const ORG = "org-dev-loop-stream";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * A watcher of `/stream/automaton/:id?after_seq=0`: every event from the start, replayed before
 * any live one (so in record order), and its close.
 */
async function watch(
  id: string,
): Promise<{ events: AutomatonStreamEvent[]; closed: Promise<void> }> {
  const response = await exports.default.fetch(
    new Request(`https://aura.test/stream/automaton/${id}?after_seq=0&token=${token}`, {
      headers: { Upgrade: "websocket" },
    }),
  );
  const ws = response.webSocket;
  if (!ws) throw new Error(`upgrade answered ${response.status}`);
  ws.accept();
  const events: AutomatonStreamEvent[] = [];
  const closed = new Promise<void>((resolve) => ws.addEventListener("close", () => resolve()));
  ws.addEventListener("message", (e) => events.push(JSON.parse(String(e.data))));
  return { events, closed };
}

describe("/stream/automaton/:id of a dev loop", () => {
  it("tells a 4-task loop with a task failing twice: its task_failed events, then loop_finished with the counts, then done", async () => {
    const project = await createProject(token, { name: "streamed loop" });
    const a = await createTask(token, project.id, { title: "alpha" });
    const b = await createTask(token, project.id, { title: "beta", dependency_ids: [a.id] });
    const c = await createTask(token, project.id, { title: "gamma", dependency_ids: [b.id] });
    const d = await createTask(token, project.id, { title: "delta", dependency_ids: [a.id] });
    scriptTasks({ beta: 2 });
    const started = await call("POST", "/automaton/start", {
      token,
      json: { project_id: project.id },
    });
    expect(started.status).toBe(201);
    const { automaton_id: id } = await bodyOf<{ automaton_id: string }>(started);
    const watcher = await watch(id);
    expect((await finalOf(token, id)).status).toBe("completed");
    await watcher.closed;
    const { events } = watcher;

    const tasks = events
      .filter((e) => e.type.startsWith("task_"))
      .map((e) => `${e.type}:${"task_id" in e ? e.task_id : "?"}`);
    expect(tasks).toEqual([
      `task_started:${a.id}`,
      `task_completed:${a.id}`,
      `task_started:${b.id}`,
      `task_failed:${b.id}`,
      `task_started:${b.id}`,
      `task_failed:${b.id}`,
      `task_started:${b.id}`,
      `task_completed:${b.id}`,
      `task_started:${c.id}`,
      `task_completed:${c.id}`,
      `task_started:${d.id}`,
      `task_completed:${d.id}`,
    ]);
    const failed = events.filter((e) => e.type === "task_failed");
    expect(failed).toHaveLength(2);
    for (const e of failed) {
      expect(e).toMatchObject({ automaton_id: id, task_id: b.id });
      expect("reason" in e && e.reason).toMatch(/task_done/);
    }
    const finished = events.filter((e) => e.type === "loop_finished");
    expect(finished).toEqual([
      expect.objectContaining({
        type: "loop_finished",
        automaton_id: id,
        outcome: "all_tasks_complete",
        completed_count: 4,
        failed_count: 0,
      }),
    ]);
    expect(events.at(-1)).toMatchObject({ type: "done", status: "completed" });
    const seqs = events.filter((e) => e.type !== "text_delta").map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  });
});
