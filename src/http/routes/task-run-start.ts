import { AuraError, unwrap } from "../../core/errors.js";
import { bytesToHex } from "../../core/hash.js";
import { newAgentId } from "../../core/ids.js";
import type { AgentSettings } from "../../protocol/agents.js";
import type { AutomatonView, Schedule } from "../../protocol/automatons.js";
import { agentStub, projectStub } from "../stubs.js";

/** What starting a `task-run` needs: the task, in the caller's org, and how to run it. */
export interface TaskRunStart {
  org: string;
  project_id: string;
  task_id: string;
  schedule: Schedule;
  model?: string | undefined;
}

/**
 * Starts a `task-run`: checks the task is one of a project of the caller's org (another
 * org's project answers `404` like a missing one), creates the agent that runs it — its
 * settings name the project and the task, and send its sandbox calls to the project's
 * workspace — and installs the automaton there.
 *
 * @example
 * const view = await startTaskRun(env, { org, project_id, task_id, schedule: { type: "on_demand" } });
 */
export async function startTaskRun(env: Env, start: TaskRunStart): Promise<AutomatonView> {
  const { org, project_id, task_id } = start;
  const { tasks } = unwrap(await projectStub(env, org, project_id).tasks({ org, project_id }));
  const task = tasks.find((t) => t.id === task_id);
  if (!task) throw new AuraError("not_found", `task ${task_id} not found in project ${project_id}`);
  const agentId = newAgentId();
  const settings: AgentSettings = {
    name: `task-run: ${task.title}`.slice(0, 200),
    project_id,
    workspace: "project",
    task_run: { task_id },
  };
  if (start.model !== undefined) settings.model = start.model;
  const stub = agentStub(env, org, agentId);
  unwrap(await stub.create({ org, agent_id: agentId, settings, now: Date.now() }));
  const suffix = bytesToHex(crypto.getRandomValues(new Uint8Array(8)));
  const { ok: _ok, ...view } = unwrap(
    await stub.createAutomaton(
      { org, agent_id: agentId },
      { kind: "task-run", schedule: start.schedule, automaton_id: `${agentId}${suffix}` },
    ),
  );
  return view;
}

/**
 * Refuses a `POST /automatons {kind: "task-run"}` body that does not name exactly a task:
 * `project_id` and `task_id` are required, and `agent_id` is not allowed (a task-run runs in
 * an agent made for it).
 *
 * @example
 * const task = taskRunTarget(body); // { project_id, task_id }
 */
export function taskRunTarget(body: {
  agent_id?: string | undefined;
  project_id?: string | undefined;
  task_id?: string | undefined;
}): { project_id: string; task_id: string } {
  if (body.agent_id !== undefined) {
    throw new AuraError("invalid_request", "agent_id: a task-run runs in a new agent of its own");
  }
  if (body.project_id === undefined || body.task_id === undefined) {
    throw new AuraError("invalid_request", "project_id and task_id: required for task-run");
  }
  return { project_id: body.project_id, task_id: body.task_id };
}
