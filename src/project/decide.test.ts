import { describe, expect, it } from "vitest";
import type { Failure } from "../core/errors.js";
import type { TaskStatus } from "../protocol/projects.js";
import { decide } from "./decide.js";
import { evolve, initialState, type ProjectCommand, type ProjectState } from "./project-events.js";

const NOW = 1_700_000_000_000;
const PROJECT = "ab".repeat(32);
const id = (n: number) => n.toString(16).padStart(32, "0");

/** Given: the state after the commands; each must be accepted. */
function given(...commands: ProjectCommand[]): ProjectState {
  let state = initialState();
  for (const command of commands) {
    const decision = decide(command, state);
    if (!decision.ok) throw new Error(`given ${command.type}: ${decision.message}`);
    state = decision.events.reduce(evolve, state);
  }
  return state;
}

/** When: the command is decided and its events folded. */
function when(command: ProjectCommand, state: ProjectState) {
  const decision = decide(command, state);
  return { decision, state: decision.ok ? decision.events.reduce(evolve, state) : state };
}

const created: ProjectCommand = {
  type: "create_project",
  now: NOW,
  project_id: PROJECT,
  fields: { name: "demo", description: "" },
};
const task = (n: number, deps: number[] = []): ProjectCommand => ({
  type: "create_task",
  now: NOW + n,
  task_id: id(n),
  fields: { title: `t${n}`, description: "", dependency_ids: deps.map(id), notes: "" },
});
const move = (n: number, status: TaskStatus): ProjectCommand => ({
  type: "transition_task",
  now: NOW + 100,
  task_id: id(n),
  status,
});
const statusOf = (state: ProjectState, n: number) => state.tasks.get(id(n))?.status;

describe("the project decider", () => {
  it("refuses every command on a project that was never created", () => {
    const { decision } = when(task(1), initialState());
    expect(decision).toMatchObject({ ok: false, code: "not_found" });
  });

  it("makes a task without dependencies ready from creation on, and one with an unfinished dependency pending", () => {
    const { state } = when(task(2, [1]), given(created, task(1)));
    expect(statusOf(state, 1)).toBe("ready");
    expect(statusOf(state, 2)).toBe("pending");
  });

  it("makes dependants ready once every dependency is done", () => {
    const before = given(created, task(1), task(2), task(3, [1, 2]), move(1, "in_progress"));
    const half = when(move(1, "done"), before).state;
    expect(statusOf(half, 3)).toBe("pending");
    const all = given(created, task(1), task(2), task(3, [1, 2]), move(1, "in_progress"));
    const after = [move(1, "done"), move(2, "in_progress"), move(2, "done")].reduce(
      (s, c) => when(c, s).state,
      all,
    );
    expect(statusOf(after, 3)).toBe("ready");
  });

  it("counts an attempt each time a task starts, and lets a failed task be retried", () => {
    const state = given(
      created,
      task(1),
      move(1, "in_progress"),
      move(1, "failed"),
      move(1, "ready"),
    );
    const { state: again } = when(move(1, "in_progress"), state);
    expect(again.tasks.get(id(1))).toMatchObject({ status: "in_progress", attempts: 2 });
  });

  it("refuses an invalid transition with a conflict naming the allowed ones", () => {
    const { decision } = when(move(1, "done"), given(created, task(1)));
    expect(decision).toMatchObject({ ok: false, code: "conflict" });
    expect((decision as Failure).message).toContain("allowed in_progress, blocked");
    expect((decision as Failure).details).toMatchObject({ allowed: ["in_progress", "blocked"] });
  });

  it("refuses a dependency cycle, naming it, and changes nothing", () => {
    const state = given(created, task(1), task(2, [1]));
    const patch: ProjectCommand = {
      type: "update_task",
      now: NOW,
      task_id: id(1),
      patch: { dependency_ids: [id(2)] },
    };
    const { decision, state: after } = when(patch, state);
    expect(decision).toMatchObject({ ok: false, code: "conflict" });
    expect((decision as Failure).details).toEqual({ cycle: [id(1), id(2), id(1)] });
    expect(after).toBe(state);
  });

  it("refuses an unknown dependency, naming it", () => {
    const { decision } = when(task(1, [9]), given(created));
    expect(decision).toMatchObject({ ok: false, code: "conflict" });
    expect((decision as Failure).details).toEqual({ unknown_dependency_ids: [id(9)] });
  });

  it("refuses to delete a task other tasks depend on, naming them", () => {
    const { decision } = when(
      { type: "delete_task", now: NOW, task_id: id(1) },
      given(created, task(1), task(2, [1])),
    );
    expect((decision as Failure).details).toEqual({ dependant_ids: [id(2)] });
  });

  it("sends a ready task back to pending when it gains an unfinished dependency", () => {
    const patch: ProjectCommand = {
      type: "update_task",
      now: NOW,
      task_id: id(2),
      patch: { dependency_ids: [id(1)] },
    };
    const { state } = when(patch, given(created, task(1), task(2)));
    expect(statusOf(state, 2)).toBe("pending");
  });

  it("refuses to delete a spec a task points at, and to point a task at a missing spec", () => {
    const spec: ProjectCommand = {
      type: "create_spec",
      now: NOW,
      spec_id: id(50),
      fields: { title: "s", markdown_contents: "# s" },
    };
    const withTask: ProjectCommand = {
      type: "create_task",
      now: NOW,
      task_id: id(1),
      fields: { title: "t", description: "", spec_id: id(50), dependency_ids: [], notes: "" },
    };
    const state = given(created, spec, withTask);
    expect(when({ type: "delete_spec", now: NOW, spec_id: id(50) }, state).decision).toMatchObject({
      ok: false,
      code: "conflict",
      details: { task_ids: [id(1)] },
    });
    const orphan = { ...withTask, task_id: id(2), fields: { ...withTask.fields, spec_id: id(51) } };
    expect(when(orphan as ProjectCommand, state).decision).toMatchObject({
      ok: false,
      code: "conflict",
    });
  });

  it("orders new items after the last one, and a deleted project answers not found", () => {
    const state = given(created, task(1), task(2));
    expect(state.tasks.get(id(2))?.order).toBe(1);
    const gone = given(created, { type: "delete_project", now: NOW });
    expect(when(task(1), gone).decision).toMatchObject({ ok: false, code: "not_found" });
  });
});
