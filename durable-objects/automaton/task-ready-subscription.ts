import { fail, type Result } from "../../src/core/errors.js";
import type { AutomatonView, Schedule } from "../../src/protocol/automatons.js";
import { agentStub, projectStub } from "../stubs.js";

/**
 * The project an `event_driven` schedule listens to for `task_ready` events, if it does.
 *
 * @example
 * taskReadyProject({ type: "event_driven", event_filter: { project_id, event: "task_ready" } }); // project_id
 */
export function taskReadyProject(schedule: Schedule): string | undefined {
  if (schedule.type !== "event_driven") return undefined;
  const filter = schedule.event_filter;
  return "project_id" in filter ? filter.project_id : undefined;
}

/**
 * Refuses (`404`) a `task_ready` filter naming a project that is not one of the caller's
 * org — another org's project answers like a missing one — before anything is installed.
 *
 * @example
 * unwrap(await checkTaskReadyProject(env, org, body.schedule));
 */
export async function checkTaskReadyProject(
  env: Env,
  org: string,
  schedule: Schedule,
): Promise<Result<{ checked: boolean }>> {
  const projectId = taskReadyProject(schedule);
  if (projectId === undefined) return { ok: true, checked: false };
  const found = await projectStub(env, org, projectId).project({ org, project_id: projectId });
  if (!found.ok) {
    return fail(
      "not_found",
      `schedule.event_filter.project_id: no project ${projectId} in your organisation`,
    );
  }
  return { ok: true, checked: true };
}

/**
 * Subscribes an installed automaton to its project's `task_ready` events (durable in the
 * project's object; a repeat changes nothing). When the project refuses — it was deleted in
 * between — the automaton is stopped with the reason, so it never waits for events that
 * cannot come.
 *
 * @example
 * unwrap(await subscribeTaskReady(env, org, view));
 */
export async function subscribeTaskReady(
  env: Env,
  org: string,
  view: AutomatonView,
): Promise<Result<{ subscribed: boolean }>> {
  const projectId = taskReadyProject(view.schedule);
  if (projectId === undefined) return { ok: true, subscribed: false };
  const address = { org, project_id: projectId };
  const done = await projectStub(env, org, projectId).subscribeTaskReady(address, {
    automaton_id: view.automaton_id,
    agent_id: view.agent_id,
  });
  if (done.ok) return { ok: true, subscribed: true };
  await agentStub(env, org, view.agent_id).controlAutomaton(
    { org, agent_id: view.agent_id },
    view.automaton_id,
    "stop",
  );
  return fail(
    "not_found",
    `schedule.event_filter.project_id: no project ${projectId} in your organisation`,
  );
}
