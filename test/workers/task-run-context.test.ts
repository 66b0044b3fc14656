import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Spec, Task } from "../../src/protocol/projects.js";
import { bodyOf, call, mintToken } from "./helpers.js";
import { createProject, createTask, moveTask } from "./project-helpers.js";
import { done, finalOf, plan, scriptTask, write } from "./task-run-helpers.js";

const ORG = "org-task-run-context";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("get_task_context", () => {
  it("answers a scripted model with the task, its spec and its dependencies' notes", async () => {
    const project = await createProject(token, { name: "context" });
    const spec = await bodyOf<Spec>(
      await call("POST", `/projects/${project.id}/specs`, {
        token,
        json: { title: "greeting spec", markdown_contents: "# Greeting\nSay hello politely." },
      }),
    );
    const base = await createTask(token, project.id, { title: "base module" });
    await call("PATCH", `/projects/${project.id}/tasks/${base.id}`, {
      token,
      json: { notes: "base exports greet(name) from src/base.ts" },
    });
    await moveTask(token, project.id, base.id, "in_progress", "done");
    const task = await bodyOf<Task>(
      await call("POST", `/projects/${project.id}/tasks`, {
        token,
        json: {
          title: "context task",
          description: "build on the base",
          spec_id: spec.id,
          dependency_ids: [base.id],
        },
      }),
    );
    expect(task.status).toBe("ready");
    const script = scriptTask("context task", [
      [{ name: "get_task_context", input: {} }],
      [plan],
      [write("ctx.ts", "export const ctx = 1;\n")],
      [done()],
      "finished",
    ]);
    const started = await call("POST", "/automaton/start", {
      token,
      json: { project_id: project.id, task_id: task.id },
    });
    expect(started.status).toBe(201);
    const { automaton_id: id } = await bodyOf<{ automaton_id: string }>(started);
    expect((await finalOf(token, id)).status).toBe("completed");

    // What the model read at its second step: the result of its get_task_context call.
    const [result] = script.seen[1] ?? [];
    expect(result?.is_error).toBe(false);
    const context = JSON.parse(result?.content ?? "{}") as {
      task: Task;
      spec: Spec | null;
      dependencies: Array<{ id: string; title: string; status: string; notes: string }>;
    };
    expect(context.task).toMatchObject({
      id: task.id,
      title: "context task",
      description: "build on the base",
      spec_id: spec.id,
      dependency_ids: [base.id],
      status: "ready",
    });
    expect(context.spec).toMatchObject({
      id: spec.id,
      title: "greeting spec",
      markdown_contents: "# Greeting\nSay hello politely.",
    });
    expect(context.dependencies).toEqual([
      {
        id: base.id,
        title: "base module",
        status: "done",
        notes: "base exports greet(name) from src/base.ts",
      },
    ]);
  });
});
