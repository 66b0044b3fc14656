import { describe, expect, it } from "vitest";
import type { Task } from "../../../src/protocol/projects.js";
import { addEvent } from "./automaton-events.js";
import { parseProjectRoute as parseProjectRouteForTest, projectHref } from "./project-route.js";
import { allowedCommands, moveTargets, taskBoard } from "./task-board.js";

const task = (title: string, status: Task["status"], order: number): Task => ({
  id: title.padEnd(32, "0").slice(0, 32),
  title,
  description: "",
  status,
  dependency_ids: [],
  order,
  attempts: 0,
  notes: "",
  created_at: order,
  updated_at: order,
});

const A = "a".repeat(80);

describe("the task board", () => {
  it("groups tasks by status, each column in order, every column present", () => {
    const board = taskBoard([task("b", "ready", 2), task("a", "ready", 1), task("c", "done", 0)]);
    expect(board.get("ready")?.map((t) => t.title)).toEqual(["a", "b"]);
    expect(board.get("done")?.map((t) => t.title)).toEqual(["c"]);
    expect(board.get("pending")).toEqual([]);
    expect([...board.keys()]).toEqual([
      "pending",
      "ready",
      "in_progress",
      "blocked",
      "failed",
      "done",
    ]);
  });

  it("offers the commands the lifecycle allows", () => {
    expect(allowedCommands("running")).toEqual(["pause", "stop"]);
    expect(allowedCommands("paused")).toEqual(["resume", "stop"]);
    expect(allowedCommands("installing")).toEqual(["stop"]);
    expect(allowedCommands("completed")).toEqual([]);
  });

  it("offers a move to every other column, leaving the rule to the server", () => {
    expect(moveTargets("ready").map((c) => c.status)).toEqual([
      "pending",
      "in_progress",
      "blocked",
      "failed",
      "done",
    ]);
    expect(moveTargets("done").map((c) => c.title)).toEqual([
      "Pending",
      "Ready",
      "In progress",
      "Blocked",
      "Failed",
    ]);
  });

  it("reads the project routes and leaves the others alone", () => {
    expect(parseProjectRouteForTest("#/projects")).toEqual({ page: "projects" });
    expect(
      parseProjectRouteForTest(`#/projects/${"b".repeat(64)}/specs/${"c".repeat(32)}`),
    ).toEqual({
      page: "spec",
      projectId: "b".repeat(64),
      specId: "c".repeat(32),
    });
    expect(projectHref({ page: "spec", projectId: "b".repeat(64), specId: "c".repeat(32) })).toBe(
      `#/projects/${"b".repeat(64)}/specs/${"c".repeat(32)}`,
    );
    expect(parseProjectRouteForTest(`#/projects/${"b".repeat(64)}`)).toEqual({
      page: "project",
      projectId: "b".repeat(64),
    });
    expect(parseProjectRouteForTest("#/agents")).toBeUndefined();
  });
});

describe("the dev loop's event log", () => {
  it("joins a tick's text deltas and says each other event in words", () => {
    let lines = addEvent([], { type: "started", automaton_id: A, seq: 2 });
    lines = addEvent(lines, {
      type: "task_started",
      automaton_id: A,
      seq: 3,
      task_id: "t",
      title: "Build",
    });
    lines = addEvent(lines, { type: "text_delta", automaton_id: A, seq: 3, text: "Hel" });
    lines = addEvent(lines, { type: "text_delta", automaton_id: A, seq: 3, text: "lo" });
    lines = addEvent(lines, {
      type: "loop_finished",
      automaton_id: A,
      seq: 9,
      outcome: "all_tasks_complete",
      completed_count: 1,
      failed_count: 0,
    });
    expect(lines).toEqual([
      { seq: 2, type: "started", text: "" },
      { seq: 3, type: "task_started", text: "Build" },
      { seq: 3, type: "text", text: "Hello" },
      { seq: 9, type: "loop_finished", text: "all_tasks_complete: 1 completed, 0 failed" },
    ]);
  });
});
