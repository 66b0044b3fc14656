import { exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AutomatonStreamEvent } from "../../src/protocol/automaton-stream.js";
import type { AutomatonView } from "../../src/protocol/automatons.js";
import type { Task } from "../../src/protocol/projects.js";
import { bodyOf, call, mintToken, waitFor } from "./helpers.js";
import { createProject } from "./project-helpers.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";

const ORG = "org-automaton-stream-tasks";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every event a socket of `/stream/automaton/:id` got after `resume {after_seq: 0}`, to its close. */
async function replayed(id: string): Promise<AutomatonStreamEvent[]> {
  const response = await exports.default.fetch(
    new Request(`https://aura.test/stream/automaton/${id}?token=${token}`, {
      headers: { Upgrade: "websocket" },
    }),
  );
  const ws = response.webSocket;
  if (!ws) throw new Error(`upgrade answered ${response.status}`);
  ws.accept();
  const events: AutomatonStreamEvent[] = [];
  const closed = new Promise((resolve) => ws.addEventListener("close", resolve));
  ws.addEventListener("message", (e) => events.push(JSON.parse(String(e.data))));
  ws.send(JSON.stringify({ type: "resume", after_seq: 0 }));
  await closed;
  return events;
}

describe("/stream/automaton/:id of a task-run", () => {
  it("replays a finished task-run as started, its tool events, task_started, task_completed and done", async () => {
    const steps = [
      [{ name: "submit_plan", input: { plan: "write it" } }],
      [{ name: "write_file", input: { path: "w.ts", content: "export const w = 1;\n" } }],
      [{ name: "task_done", input: { summary: "did it" } }],
    ];
    scriptModel(({ opening, step, request }) => {
      if (!opening.startsWith("# Task: watched task\n")) return undefined;
      const calls = steps[step];
      if (!calls) return finalText(request.model, "finished");
      return toolCalls(
        request.model,
        calls.map((c, i) => ({ id: `wt-${step}-${i}`, ...c })),
      );
    });
    const project = await createProject(token, { name: "watched project" });
    const task = await bodyOf<Task>(
      await call("POST", `/projects/${project.id}/tasks`, {
        token,
        json: { title: "watched task", description: "a task to watch" },
      }),
    );
    const started = await call("POST", "/automaton/start", {
      token,
      json: { project_id: project.id, task_id: task.id },
    });
    const { automaton_id: id } = await bodyOf<{ automaton_id: string }>(started);
    await waitFor("the task-run to end", async () => {
      const view = await bodyOf<AutomatonView>(await call("GET", `/automatons/${id}`, { token }));
      return view.status === "completed" ? view : undefined;
    });

    const events = await replayed(id);
    const kinds = events.filter((e) => e.type !== "text_delta").map((e) => e.type);
    expect(kinds).toEqual([
      "started",
      ...["tool_use_start", "tool_result"],
      ...["tool_use_start", "tool_result"],
      ...["tool_use_start", "tool_result"],
      "task_started",
      "task_completed",
      "done",
    ]);
    const results = events.filter((e) => e.type === "tool_result");
    expect(results.map((e) => e.name)).toEqual(["submit_plan", "write_file", "task_done"]);
    expect(results.every((e) => !e.is_error)).toBe(true);
    expect(events.find((e) => e.type === "task_completed")).toMatchObject({ task_id: task.id });
    expect(events.at(-1)).toMatchObject({ type: "done", status: "completed" });
  });
});
