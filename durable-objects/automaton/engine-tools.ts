import { changedPaths, type TaskRunProgress } from "../../src/automaton/task-run-progress.js";
import type { Result } from "../../src/core/errors.js";
import type { ProjectCommand } from "../../src/project/project-events.js";
import type { Task } from "../../src/protocol/projects.js";
import {
  type EngineToolName,
  engineToolDefinitions,
  isEngineTool,
  validateEngineArgs,
} from "../../src/tools/engine-catalog.js";
import type { ProjectPort } from "../agent/domain-tools.js";
import { type DispatchOutcome, failure } from "../agent/tool-gateway.js";
import type { TurnTools } from "../agent/turn-runner.js";

/** The task a `task-run` turn carries out, and where its project lives. */
export interface EngineHost {
  org: string;
  agent_id: string;
  project_id: string;
  task_id: string;
  now(): number;
  project: ProjectPort;
  /** What the turn did so far: folded from its record, then fed each dispatched call. */
  progress: TaskRunProgress;
}

/**
 * A `task-run` turn's tools: the agent's own, plus `get_task_context`, `submit_plan` and
 * `task_done`. Writes (and `run_command`) are refused before an accepted plan — at
 * validation, so the refusal is a recorded `denied` proposal whose reason the model reads.
 * Every dispatched call's outcome is folded into the progress, which is how `task_done`
 * knows what changed. Project changes carry the key `tool:<action id>`, so a re-sent call
 * after an eviction applies once.
 *
 * @example
 * const tools = withEngineTools(turnToolsOf(env, config, meta), { ...task, progress, project });
 */
export function withEngineTools(tools: TurnTools, host: EngineHost): TurnTools {
  return {
    definitions: [...tools.definitions, ...engineToolDefinitions()],
    policy: tools.policy,
    validate: (tool, input) => {
      if (isEngineTool(tool)) return validateEngineArgs(tool, input);
      const refusal = host.progress.writeRefusal(tool);
      if (refusal !== undefined) return { ok: false, code: "tool_disabled", message: refusal };
      return tools.validate(tool, input);
    },
    dispatch: async (call) => {
      const outcome = isEngineTool(call.tool)
        ? await runEngineTool(host, call.tool, call.args, call.action_id)
        : await tools.dispatch(call);
      host.progress.observe({
        tool: call.tool,
        args: call.args,
        ok: outcome.result.ok,
        changed: changedPaths(outcome.files_changed),
      });
      return outcome;
    },
  };
}

async function runEngineTool(
  host: EngineHost,
  tool: EngineToolName,
  args: Record<string, unknown>,
  actionId: string,
): Promise<DispatchOutcome> {
  const address = { org: host.org, project_id: host.project_id };
  const tasks = await host.project.tasks(address);
  if (!tasks.ok) return refused(tool, "path_not_found", tasks.message);
  const task = tasks.tasks.find((t) => t.id === host.task_id);
  if (!task) return refused(tool, "path_not_found", `task ${host.task_id} not found`);
  switch (tool) {
    case "get_task_context": {
      const specs = await host.project.specs(address);
      const spec = specs.ok ? specs.specs.find((s) => s.id === task.spec_id) : undefined;
      const dependencies = tasks.tasks
        .filter((t) => task.dependency_ids.includes(t.id))
        .map(({ id, title, status, notes }) => ({ id, title, status, notes }));
      return answer(tool, { task, spec: spec ?? null, dependencies });
    }
    case "submit_plan": {
      if (task.status === "in_progress") return answer(tool, task);
      if (task.status !== "ready") {
        const why = `task ${task.id} is ${task.status}; a plan starts only a ready task`;
        return refused(tool, "invalid_arguments", why);
      }
      const started = await transition(host, task, "in_progress", `tool:${actionId}`);
      return started.ok
        ? answer(tool, started.value)
        : refused(tool, "invalid_arguments", started.message);
    }
    case "task_done": {
      const why = host.progress.doneRefusal(args);
      if (why !== undefined) return refused(tool, "invalid_arguments", why);
      const notes = await execute(host, `tool:${actionId}:notes`, {
        type: "update_task",
        now: host.now(),
        task_id: task.id,
        patch: { notes: String(args.summary) },
      });
      if (!notes.ok) return refused(tool, "invalid_arguments", notes.message);
      const done = await transition(host, task, "done", `tool:${actionId}`);
      return done.ok ? answer(tool, done.value) : refused(tool, "invalid_arguments", done.message);
    }
  }
}

/**
 * Moves the task to `status` in its project, keyed so a repeat applies once.
 *
 * @example
 * await transition(host, task, "in_progress", `tool:${actionId}`);
 */
export function transition(
  host: Pick<EngineHost, "org" | "agent_id" | "project_id" | "project" | "now">,
  task: Task,
  status: Task["status"],
  key: string,
): Promise<Result<{ value: unknown }>> {
  return execute(host, key, { type: "transition_task", now: host.now(), task_id: task.id, status });
}

/**
 * Records a failed attempt at `task`: `reason` appended to its notes, then the task moved to
 * `failed` (a `ready` one is started first, as the status machine asks). Each change has a
 * key under `key`, so a repeat applies once. Returns the status the task ends in.
 *
 * @example
 * await recordFailure(ctx, task, "the turn ended without task_done", `automaton:${id}:tick:3`);
 */
export async function recordFailure(
  host: Pick<EngineHost, "org" | "agent_id" | "project_id" | "project" | "now">,
  task: Task,
  reason: string,
  key: string,
): Promise<Task["status"]> {
  const notes = task.notes ? `${task.notes}\n${reason}` : reason;
  const patch = { notes };
  await execute(host, `${key}:notes`, {
    type: "update_task",
    now: host.now(),
    task_id: task.id,
    patch,
  });
  let status = task.status;
  if (status === "ready") {
    await transition(host, task, "in_progress", `${key}:start`);
    status = "in_progress";
  }
  if (status === "in_progress") {
    await transition(host, task, "failed", `${key}:fail`);
    status = "failed";
  }
  return status;
}

/**
 * One change of the task's project, by this agent, under an idempotency key.
 *
 * @example
 * await execute(host, `automaton:${id}:fail`, { type: "transition_task", now, task_id, status: "failed" });
 */
export async function execute(
  host: Pick<EngineHost, "org" | "agent_id" | "project_id" | "project">,
  key: string,
  command: ProjectCommand,
): Promise<Result<{ value: unknown }>> {
  return host.project.execute({
    org: host.org,
    project_id: host.project_id,
    sub: `agent:${host.agent_id}`,
    idempotency_key: key,
    command,
  });
}

function answer(tool: string, value: unknown): DispatchOutcome {
  return { result: { tool, ok: true, stdout: JSON.stringify(value), stderr: "", metadata: {} } };
}

function refused(tool: string, code: string, message: string): DispatchOutcome {
  return { result: failure(tool, code, message) };
}
