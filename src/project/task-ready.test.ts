import { describe, expect, it } from "vitest";
import type { Task } from "../protocol/projects.js";
import { becameReady, taskReadyKey } from "./task-ready.js";

function task(id: string, status: Task["status"]): Task {
  return {
    id,
    title: id,
    description: "",
    status,
    dependency_ids: [],
    order: 0,
    attempts: 0,
    notes: "",
    created_at: 0,
    updated_at: 0,
  };
}

function map(...tasks: Task[]): Map<string, Task> {
  return new Map(tasks.map((t) => [t.id, t]));
}

describe("becameReady", () => {
  it("names a task created ready", () => {
    expect(becameReady(map(), map(task("a", "ready")))).toEqual(["a"]);
  });

  it("names a dependant made ready, not a task that stayed ready", () => {
    const before = map(task("a", "in_progress"), task("b", "pending"), task("c", "ready"));
    const after = map(task("a", "done"), task("b", "ready"), task("c", "ready"));
    expect(becameReady(before, after)).toEqual(["b"]);
  });

  it("names nothing when no task became ready", () => {
    expect(becameReady(map(task("a", "ready")), map(task("a", "in_progress")))).toEqual([]);
    expect(becameReady(map(), map(task("a", "pending")))).toEqual([]);
  });

  it("keys a delivery by project, entry and task", () => {
    expect(taskReadyKey("p", 3, "t")).toBe("task_ready:p:3:t");
  });
});
