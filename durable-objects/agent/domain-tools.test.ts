import { describe, expect, it } from "vitest";
import type { Project, Task } from "../../src/protocol/projects.js";
import { isOutcomeUnknown, OutcomeUnknownMetadata } from "../../src/protocol/sandbox.js";
import type { ExecuteInput } from "../project-do.js";
import { domainTools, type ProjectPort } from "./domain-tools.js";
import { createToolDispatch } from "./tool-dispatch.js";

const P = "a".repeat(64);
const task = (id: string, status: Task["status"]): Task => ({
  id: id.repeat(32),
  title: id,
  description: "",
  status,
  dependency_ids: [],
  order: 0,
  attempts: 0,
  notes: "",
  created_at: 1,
  updated_at: 1,
});
const project: Project = { id: P, name: "p", description: "", created_at: 1, updated_at: 1 };

/** A project port answering from fixed state; `throws` sends fail before one answers. */
function port(throws = 0) {
  const executed: ExecuteInput[] = [];
  let failing = throws;
  const fake: ProjectPort = {
    execute: async (input) => {
      executed.push(input);
      if (failing-- > 0) throw new Error("object reset");
      if (input.command.type === "delete_task") return { ok: true, value: { deleted: true } };
      return { ok: true, value: task("1", "ready") };
    },
    project: async () => ({ ok: true, project }),
    specs: async () => ({ ok: true, specs: [] }),
    tasks: async () => ({ ok: true, tasks: [task("1", "ready"), task("2", "done")] }),
  };
  return { fake, executed };
}

function toolsOver(fake: ProjectPort) {
  return domainTools({
    org: "acme",
    agent_id: "agent-1",
    project_id: P,
    now: () => 5,
    project: () => fake,
  });
}

describe("domain tools", () => {
  it("sends a mutation as the agent, keyed by the action id, and answers the item as JSON", async () => {
    const { fake, executed } = port();
    const outcome = await toolsOver(fake)("create_task", { title: "t", dependency_ids: [] }, "act");
    expect(executed[0]).toMatchObject({
      org: "acme",
      project_id: P,
      sub: "agent:agent-1",
      idempotency_key: "tool:act",
      command: { type: "create_task", now: 5 },
    });
    expect(outcome.result).toMatchObject({
      ok: true,
      metadata: { project_id: P, id: "1".repeat(32) },
    });
    expect(JSON.parse(outcome.result.stdout)).toMatchObject({ title: "1", status: "ready" });
  });

  it("re-sends a mutation with the same key once when the object does not answer, and names a deleted item", async () => {
    const { fake, executed } = port(1);
    const outcome = await toolsOver(fake)("delete_task", { task_id: "1".repeat(32) }, "act");
    expect(JSON.parse(outcome.result.stdout)).toEqual({ id: "1".repeat(32), deleted: true });
    expect(outcome.result.metadata.id).toBe("1".repeat(32));
    expect(executed.map((e) => e.idempotency_key)).toEqual(["tool:act", "tool:act"]);
  });

  it("records an outcome_unknown io_error when the object never answers", async () => {
    const { fake } = port(5);
    const outcome = await toolsOver(fake)("delete_task", { task_id: "1".repeat(32) }, "act");
    expect(outcome.result.ok).toBe(false);
    expect(OutcomeUnknownMetadata.parse(outcome.result.metadata)).toEqual(outcome.result.metadata);
    expect(isOutcomeUnknown(outcome.result)).toBe(true);
  });

  it("filters list_tasks by status and answers a missing spec as path_not_found", async () => {
    const tools = toolsOver(port().fake);
    const listed = await tools("list_tasks", { status: "done" }, "a1");
    expect(JSON.parse(listed.result.stdout).map((t: Task) => t.title)).toEqual(["2"]);
    const missing = await tools("get_spec", { spec_id: "9".repeat(32) }, "a2");
    expect(missing.result).toMatchObject({ ok: false, metadata: { error_code: "path_not_found" } });
  });

  it("is reached through the dispatch, and answers tool_disabled when no project store is wired", async () => {
    const agents = {
      send_message: () => Promise.reject(new Error("not used")),
      spawn_agent: () => Promise.reject(new Error("not used")),
    };
    const wired = createToolDispatch({ agents, domain: toolsOver(port().fake) });
    const read = await wired({ tool: "get_project", args: {}, action_id: "a" });
    expect(JSON.parse(read.result.stdout)).toEqual(project);
    const bare = createToolDispatch({ agents });
    const off = await bare({ tool: "get_project", args: {}, action_id: "a" });
    expect(off.result.metadata.error_code).toBe("tool_disabled");
  });
});
