import { describe, expect, it } from "vitest";
import { fail } from "../core/errors.js";
import { domainFailureOf, itemIdOf, planDomainCall } from "./domain-call.js";

const P = "a".repeat(64);
const OTHER = "b".repeat(64);
const T = "c".repeat(32);
const context = { now: 1000, action_id: "action-1", defaultProjectId: P };

describe("planning a domain tool call", () => {
  it("uses the call's project_id over the agent's own project", () => {
    const planned = planDomainCall("list_specs", { project_id: OTHER }, context);
    expect(planned).toEqual({ ok: true, project_id: OTHER, call: { kind: "read", read: "specs" } });
  });

  it("falls back to the agent's project, and without one names project_id as missing", () => {
    expect(planDomainCall("get_project", {}, context)).toMatchObject({ ok: true, project_id: P });
    const { defaultProjectId: _none, ...bare } = context;
    expect(planDomainCall("get_project", {}, bare)).toEqual({
      ok: false,
      code: "invalid_arguments",
      message: "project_id: required (this agent has no project of its own)",
    });
  });

  it("gives a created spec or task an id derived from the action id, the same on a re-send", () => {
    const first = planDomainCall("create_task", { title: "t", dependency_ids: [] }, context);
    const again = planDomainCall("create_task", { title: "t", dependency_ids: [] }, context);
    expect(first).toEqual(again);
    expect(first).toMatchObject({
      ok: true,
      call: {
        kind: "mutate",
        command: { type: "create_task", now: 1000, task_id: itemIdOf("action-1") },
      },
    });
    expect(itemIdOf("action-1")).toMatch(/^[0-9a-f]{32}$/);
    expect(itemIdOf("action-2")).not.toBe(itemIdOf("action-1"));
  });

  it("turns each mutating tool into the decider's command, the item id out of the patch", () => {
    const update = planDomainCall("update_task", { task_id: T, notes: "n" }, context);
    expect(update).toMatchObject({
      call: { command: { type: "update_task", task_id: T, patch: { notes: "n" } } },
    });
    const move = planDomainCall("transition_task", { task_id: T, status: "done" }, context);
    expect(move).toMatchObject({
      call: { command: { type: "transition_task", task_id: T, status: "done", now: 1000 } },
    });
    const project = planDomainCall("update_project", { project_id: P, name: "x" }, context);
    expect(project).toMatchObject({
      call: { command: { type: "update_project", patch: { name: "x" } } },
    });
    expect(planDomainCall("delete_spec", { spec_id: T }, context)).toMatchObject({
      call: { command: { type: "delete_spec", spec_id: T } },
    });
  });

  it("keeps a list_tasks status filter and a get_spec id as reads", () => {
    expect(planDomainCall("list_tasks", { status: "ready" }, context)).toMatchObject({
      call: { kind: "read", read: "tasks", status: "ready" },
    });
    expect(planDomainCall("get_spec", { spec_id: T }, context)).toMatchObject({
      call: { kind: "read", read: "spec", spec_id: T },
    });
  });
});

describe("a project's refusal as a tool error", () => {
  it("answers a missing project, or another org's, as invalid project_id without saying more", () => {
    expect(domainFailureOf(fail("not_found", `project ${P} not found`), P)).toEqual({
      ok: false,
      code: "invalid_arguments",
      message: `project_id: no project ${P} in your organisation`,
    });
  });

  it("answers a missing item as path_not_found and a conflict as invalid_arguments with its reason", () => {
    expect(domainFailureOf(fail("not_found", `task ${T} not found`), P)).toMatchObject({
      code: "path_not_found",
      message: `task ${T} not found`,
    });
    const conflict = fail("conflict", "task x cannot go from ready to done; allowed: in_progress");
    expect(domainFailureOf(conflict, P)).toEqual({
      ok: false,
      code: "invalid_arguments",
      message: "conflict: task x cannot go from ready to done; allowed: in_progress",
    });
    expect(domainFailureOf(fail("internal", "boom"), P).code).toBe("io_error");
  });
});
