import type { Result } from "../../src/core/errors.js";
import { type DomainCall, domainFailureOf, planDomainCall } from "../../src/project/domain-call.js";
import type { DomainToolName } from "../../src/protocol/domain-tool-args.js";
import type { Project, Spec, Task } from "../../src/protocol/projects.js";
import { outcomeUnknownResult, type ToolResult } from "../../src/protocol/sandbox.js";
import type { ExecuteInput, Mutated, ProjectAddress } from "../project-do.js";
import { type DispatchOutcome, failure } from "./tool-gateway.js";

/** What the domain tools need of a project's object (its RPC methods). */
export interface ProjectPort {
  execute(input: ExecuteInput): Promise<Result<{ value: Mutated }>>;
  project(address: ProjectAddress): Promise<Result<{ project: Project }>>;
  specs(address: ProjectAddress): Promise<Result<{ specs: Spec[] }>>;
  tasks(address: ProjectAddress): Promise<Result<{ tasks: Task[] }>>;
}

/** What the domain tools need of the runtime: who calls, and the projects of its org. */
export interface DomainToolsHost {
  org: string;
  agent_id: string;
  /** The agent's own project (its settings' `project_id`): the default of every call. */
  project_id?: string | undefined;
  now(): number;
  /** The object of one project of the agent's org. */
  project(projectId: string): ProjectPort;
  /** The dev loops of the org's projects (absent where automatons cannot be started). */
  devLoop?: DevLoopPort;
}

/** Starts, pauses and stops a project's dev loop, answering its id and recorded status. */
export interface DevLoopPort {
  start(projectId: string, model?: string): Promise<Result<LoopStatus>>;
  control(projectId: string, command: "pause" | "stop"): Promise<Result<LoopStatus>>;
}

/** A dev loop as its tools answer it. */
export interface LoopStatus {
  automaton_id: string;
  status: string;
}

/** Runs one approved domain tool call; `actionId` is its idempotency key. */
export type DomainTools = (
  tool: DomainToolName,
  args: Record<string, unknown>,
  actionId: string,
) => Promise<DispatchOutcome>;

/** Sends of a call whose outcome is unknown (the project's object did not answer). */
const ATTEMPTS = 2;

/**
 * The domain tools over the agent's org's projects. A read answers the project's current
 * state; a mutation is decided by the project's own decider (in its object, the same one the
 * `/projects` routes use) and becomes an entry of the project's record with `sub`
 * `agent:<agent_id>`. Each mutation carries the key `tool:<action id>`, so a re-sent call is
 * answered with its first outcome and applies once.
 *
 * @example
 * const run = domainTools({ org, agent_id, now: Date.now, project: (id) => projectStub(env, org, id) });
 * await run("create_task", { title: "write docs" }, actionId);
 */
export function domainTools(host: DomainToolsHost): DomainTools {
  return async (tool, args, actionId) => {
    const planned = planDomainCall(tool, args, {
      now: host.now(),
      action_id: actionId,
      defaultProjectId: host.project_id,
    });
    if (!planned.ok) return { result: failure(tool, planned.code, planned.message) };
    const address: ProjectAddress = { org: host.org, project_id: planned.project_id };
    const port = host.project(planned.project_id);
    const mutation = { sub: `agent:${host.agent_id}`, idempotency_key: `tool:${actionId}` };
    let lastError = "";
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        const answer =
          planned.call.kind === "loop"
            ? await loop(host.devLoop, planned.project_id, planned.call)
            : await run(port, address, planned.call, mutation);
        if (!answer.ok) {
          const refused = domainFailureOf(answer, planned.project_id);
          return { result: failure(tool, refused.code, refused.message) };
        }
        return { result: succeeded(tool, planned.project_id, answer.value) };
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    return {
      result: outcomeUnknownResult(
        tool,
        `outcome_unknown: project ${planned.project_id} did not answer (${lastError}); a re-sent call applies at most once`,
      ),
    };
  };
}

/** A dev-loop tool: the loop's id and status, or why not. */
async function loop(
  port: DevLoopPort | undefined,
  projectId: string,
  call: Extract<DomainCall, { kind: "loop" }>,
): Promise<Result<{ value: unknown }>> {
  if (!port) return { ok: false, code: "unavailable", message: "dev loops cannot be started here" };
  const answer =
    call.command === "start"
      ? await port.start(projectId, call.model)
      : await port.control(projectId, call.command);
  if (!answer.ok) return answer;
  return {
    ok: true,
    value: { id: answer.automaton_id, automaton_id: answer.automaton_id, status: answer.status },
  };
}

async function run(
  port: ProjectPort,
  address: ProjectAddress,
  call: Exclude<DomainCall, { kind: "loop" }>,
  mutation: { sub: string; idempotency_key: string },
): Promise<Result<{ value: unknown }>> {
  if (call.kind === "mutate") {
    const { command } = call;
    const answer = await port.execute({ ...address, ...mutation, command });
    if (!answer.ok || !("deleted" in answer.value)) return answer;
    // A delete answers which item it deleted, as `DELETE /projects/…` does.
    const id = "spec_id" in command ? command.spec_id : "task_id" in command ? command.task_id : "";
    return { ok: true, value: { id, deleted: true } };
  }
  switch (call.read) {
    case "project":
      return answerOf(await port.project(address), (r) => r.project);
    case "specs":
      return answerOf(await port.specs(address), (r) => r.specs);
    case "spec": {
      const listed = await port.specs(address);
      if (!listed.ok) return listed;
      const spec = listed.specs.find((s) => s.id === call.spec_id);
      if (!spec) return { ok: false, code: "not_found", message: `spec ${call.spec_id} not found` };
      return { ok: true, value: spec };
    }
    case "tasks": {
      const status = "status" in call ? call.status : undefined;
      return answerOf(await port.tasks(address), (r) =>
        status === undefined ? r.tasks : r.tasks.filter((t) => t.status === status),
      );
    }
  }
}

function answerOf<T extends object>(
  result: Result<T>,
  pick: (ok: T) => unknown,
): Result<{ value: unknown }> {
  return result.ok ? { ok: true, value: pick(result) } : result;
}

function succeeded(tool: string, projectId: string, value: unknown): ToolResult {
  const metadata: Record<string, unknown> = { project_id: projectId };
  if (typeof value === "object" && value !== null && "id" in value) metadata.id = value.id;
  return { tool, ok: true, stdout: JSON.stringify(value), stderr: "", metadata };
}
