import { isFinal } from "../../src/automaton/lifecycle.js";
import { AuraError, type Failure, fail, type Result } from "../../src/core/errors.js";
import { bytesToHex } from "../../src/core/hash.js";
import { newAgentId } from "../../src/core/ids.js";
import type { AgentSettings } from "../../src/protocol/agents.js";
import {
  type AutomatonKind,
  type AutomatonStatus,
  type AutomatonView,
  agentOfAutomaton,
  type Schedule,
} from "../../src/protocol/automatons.js";
import { GitBranch, GitRemoteUrl } from "../../src/protocol/sandbox.js";
import { agentStub, projectStub } from "../stubs.js";

/** What starting a built-in over a project needs: the project, in the caller's org, and how to run it. */
export interface ProjectAutomatonStart {
  org: string;
  project_id: string;
  kind: Extract<AutomatonKind, "task-run" | "dev-loop" | "spec-gen">;
  schedule: Schedule;
  /** What it works on, for the agent's name (shown in lists). */
  name: string;
  /** What the built-in needs in its agent's settings (`task_run`, `dev_loop`, `spec_gen`). */
  settings: Pick<AgentSettings, "task_run" | "dev_loop" | "spec_gen">;
  model?: string | undefined;
  /** The automaton's id, when the caller drew it first (to claim it); else drawn here. */
  automaton_id?: string;
  /** The client's host directory (`workspace_root`), mapped and recorded on the install. */
  workspace_root?: string | undefined;
}

/**
 * A fresh automaton id: a new agent's id followed by 16 hex of its own.
 *
 * @example
 * const id = newAutomatonId(); agentOfAutomaton(id); // the new agent
 */
export function newAutomatonId(): string {
  return `${newAgentId()}${bytesToHex(crypto.getRandomValues(new Uint8Array(8)))}`;
}

/**
 * Starts a built-in that works on a project: creates the agent that runs it — its settings
 * name the project (and what the built-in needs), and send its sandbox calls to the
 * project's workspace — and installs the automaton there. The caller checked the project is
 * one of its org.
 *
 * @example
 * const view = await startProjectAutomaton(env, { org, project_id, kind: "spec-gen", name, settings, schedule });
 */
export async function startProjectAutomaton(
  env: Env,
  start: ProjectAutomatonStart,
): Promise<Result<AutomatonView>> {
  const { org, project_id } = start;
  const automatonId = start.automaton_id ?? newAutomatonId();
  const agentId = agentOfAutomaton(automatonId);
  const settings: AgentSettings = {
    name: `${start.kind}: ${start.name}`.slice(0, 200),
    project_id,
    workspace: "project",
    ...start.settings,
  };
  if (start.model !== undefined) settings.model = start.model;
  const stub = agentStub(env, org, agentId);
  const created = await stub.create({ org, agent_id: agentId, settings, now: Date.now() });
  if (!created.ok) return failureOf(created);
  const installed = await stub.createAutomaton(
    { org, agent_id: agentId },
    {
      kind: start.kind,
      schedule: start.schedule,
      automaton_id: automatonId,
      ...(start.workspace_root === undefined ? {} : { workspace_root: start.workspace_root }),
    },
  );
  if (!installed.ok) return failureOf(installed);
  const { ok: _ok, ...view } = installed;
  return { ok: true, ...view };
}

/** A refusal an object's call answered, as this module's own (RPC results do not narrow). */
function failureOf(result: { ok: boolean }): Failure {
  const { code, message, details } = result as Failure;
  return fail(code, message, details);
}

/** What starting a `task-run` needs: the task, in the caller's org, and how to run it. */
export interface TaskRunStart {
  org: string;
  project_id: string;
  task_id: string;
  schedule: Schedule;
  model?: string | undefined;
  workspace_root?: string | undefined;
}

/**
 * Starts a `task-run`: checks the task is one of a project of the caller's org (another
 * org's project answers `404` like a missing one) and starts the automaton in an agent made
 * for that task.
 *
 * @example
 * const view = await startTaskRun(env, { org, project_id, task_id, schedule: { type: "on_demand" } });
 */
export async function startTaskRun(env: Env, start: TaskRunStart): Promise<Result<AutomatonView>> {
  const { org, project_id, task_id } = start;
  const found = await projectStub(env, org, project_id).tasks({ org, project_id });
  if (!found.ok) return failureOf(found);
  const task = found.tasks.find((t) => t.id === task_id);
  if (!task) return fail("not_found", `task ${task_id} not found in project ${project_id}`);
  return startProjectAutomaton(env, {
    org,
    project_id,
    kind: "task-run",
    name: task.title,
    settings: { task_run: { task_id } },
    schedule: start.schedule,
    model: start.model,
    workspace_root: start.workspace_root,
  });
}

/** What starting a project's `dev-loop` needs. */
export interface DevLoopStart {
  org: string;
  project_id: string;
  model?: string | undefined;
  /** The remote the workspace is cloned from first (else the project's `git_repo_url`). */
  git_repo_url?: string | undefined;
  git_branch?: string | undefined;
  /** One task per tick on this schedule; `continuous` when absent. */
  schedule?: Schedule | undefined;
  workspace_root?: string | undefined;
}

/**
 * Starts the project's `dev-loop`: one task per tick, on `schedule` (`continuous` when absent:
 * it ticks while tasks are ready). One runs per project: while the loop the project names is not finished, a second
 * start is `409 conflict` naming it. The claim is a recorded change of the project, made
 * against the loop the caller saw, so two concurrent starts never both win.
 *
 * @example
 * const view = await startDevLoop(env, { org, project_id });
 */
export async function startDevLoop(env: Env, start: DevLoopStart): Promise<Result<AutomatonView>> {
  const { org, project_id } = start;
  const project = projectStub(env, org, project_id);
  const found = await project.project({ org, project_id });
  if (!found.ok) return failureOf(found);
  const remote = start.git_repo_url ?? found.project.git_repo_url;
  const branch = start.git_branch ?? found.project.git_branch;
  if (remote !== undefined && !GitRemoteUrl.safeParse(remote).success) {
    return fail(
      "invalid_request",
      `git_repo_url: ${remote.slice(0, 200)} is not an http(s):// URL the dev loop can clone`,
    );
  }
  if (branch !== undefined && !GitBranch.safeParse(branch).success) {
    return fail(
      "invalid_request",
      `git_branch: ${branch.slice(0, 200)} is not a branch name the dev loop accepts`,
    );
  }
  const current = found.project.dev_loop_automaton_id ?? null;
  if (current !== null) {
    const agentId = agentOfAutomaton(current);
    const running = await agentStub(env, org, agentId).automaton(
      { org, agent_id: agentId },
      current,
    );
    if (running.ok && !isFinal(running.status)) {
      return fail(
        "conflict",
        `project ${project_id} has a dev loop ${running.status}: ${current} (stop it first)`,
        { automaton_id: current, status: running.status },
      );
    }
  }
  const automatonId = newAutomatonId();
  const claimed = await project.execute({
    org,
    project_id,
    sub: `automaton:${automatonId}`,
    command: {
      type: "claim_dev_loop",
      now: Date.now(),
      automaton_id: automatonId,
      replaces: current,
    },
  });
  if (!claimed.ok) return failureOf(claimed);
  return startProjectAutomaton(env, {
    org,
    project_id,
    kind: "dev-loop",
    name: found.project.name,
    settings: {
      dev_loop: {
        ...(remote === undefined ? {} : { git_repo_url: remote }),
        ...(branch === undefined ? {} : { git_branch: branch }),
      },
    },
    schedule: start.schedule ?? { type: "continuous" },
    model: start.model,
    automaton_id: automatonId,
    workspace_root: start.workspace_root,
  });
}

/**
 * Pauses or stops the dev loop the project names (`not_found` when it has none).
 *
 * @example
 * await controlDevLoop(env, { org, project_id }, "stop"); // { ok: true, automaton_id, status: "stopped" }
 */
export async function controlDevLoop(
  env: Env,
  address: { org: string; project_id: string },
  command: "pause" | "resume" | "stop",
): Promise<Result<{ automaton_id: string; status: AutomatonStatus }>> {
  const found = await projectStub(env, address.org, address.project_id).project(address);
  if (!found.ok) return failureOf(found);
  const id = found.project.dev_loop_automaton_id;
  if (id === undefined) {
    return fail("not_found", `project ${address.project_id} has no dev loop: start one first`);
  }
  const agentId = agentOfAutomaton(id);
  const done = await agentStub(env, address.org, agentId).controlAutomaton(
    { org: address.org, agent_id: agentId },
    id,
    command,
  );
  if (!done.ok) return failureOf(done);
  return { ok: true, automaton_id: done.automaton_id, status: done.status };
}

/**
 * Starts a `spec-gen` over the project: it reads `requirements_path` from the project's
 * workspace and replaces the project's specs with what the model makes of it.
 *
 * @example
 * const view = await startSpecGen(env, { org, project_id, requirements_path: "requirements.md", schedule });
 */
export async function startSpecGen(
  env: Env,
  start: {
    org: string;
    project_id: string;
    requirements_path: string;
    schedule: Schedule;
    workspace_root?: string | undefined;
  },
): Promise<Result<AutomatonView>> {
  const { org, project_id } = start;
  const found = await projectStub(env, org, project_id).project({ org, project_id });
  if (!found.ok) return failureOf(found);
  return startProjectAutomaton(env, {
    org,
    project_id,
    kind: "spec-gen",
    name: found.project.name,
    settings: { spec_gen: { requirements_path: start.requirements_path } },
    schedule: start.schedule,
    workspace_root: start.workspace_root,
  });
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
