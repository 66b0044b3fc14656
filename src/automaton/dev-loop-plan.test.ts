import { describe, expect, it } from "vitest";
import type { Task } from "../protocol/projects.js";
import {
  dependantsToBlock,
  devLoopPromptKey,
  loopFinished,
  nextTask,
  taskCommit,
  taskOfDevLoopKey,
} from "./dev-loop-plan.js";

type T = Pick<Task, "id" | "status" | "order" | "dependency_ids">;
const task = (id: string, status: Task["status"], order: number, deps: string[] = []): T => ({
  id,
  status,
  order,
  dependency_ids: deps,
});

describe("the dev loop's plan", () => {
  it("takes a started task first, then the ready task of lowest order", () => {
    expect(
      nextTask([task("b", "ready", 2), task("a", "ready", 1), task("c", "pending", 0)])?.id,
    ).toBe("a");
    expect(nextTask([task("a", "ready", 0), task("z", "in_progress", 9)])?.id).toBe("z");
    expect(
      nextTask([task("a", "done", 0), task("b", "blocked", 1), task("c", "failed", 2)]),
    ).toBeUndefined();
  });

  it("ends complete only when every task is done, and counts done and failed tasks", () => {
    expect(loopFinished([])).toEqual({
      outcome: "all_tasks_complete",
      completed_count: 0,
      failed_count: 0,
    });
    expect(loopFinished([{ status: "done" }, { status: "done" }])).toMatchObject({
      outcome: "all_tasks_complete",
      completed_count: 2,
    });
    expect(loopFinished([{ status: "done" }, { status: "failed" }, { status: "blocked" }])).toEqual(
      {
        outcome: "all_tasks_blocked",
        completed_count: 1,
        failed_count: 1,
      },
    );
  });

  it("blocks every waiting task that depends on a failed one, through others too", () => {
    const tasks = [
      task("t1", "done", 0),
      task("t2", "failed", 1, ["t1"]),
      task("t3", "pending", 2, ["t2"]),
      task("t4", "pending", 3, ["t3"]),
      task("t5", "ready", 4, ["t1"]),
      task("t6", "done", 5, ["t2"]),
    ];
    expect(dependantsToBlock(tasks, "t2").map((t) => t.id)).toEqual(["t3", "t4"]);
  });

  it("names a tick's task in its prompt key and nothing else", () => {
    const id = "a".repeat(80);
    const taskId = "0123456789abcdef0123456789abcdef";
    expect(taskOfDevLoopKey(devLoopPromptKey(id, 7, taskId))).toBe(taskId);
    expect(taskOfDevLoopKey(`automaton:${id}:task-run`)).toBeUndefined();
    expect(taskOfDevLoopKey(`user:automaton:${id}:dev-loop:7:${taskId}`)).toBeUndefined();
  });

  it("commits a task as task(<id>): <title> on one line", () => {
    expect(taskCommit({ id: "ab", title: "Add  the\nparser " })).toEqual({
      message: "task(ab): Add the parser",
      marker: "task(ab):",
    });
  });
});
