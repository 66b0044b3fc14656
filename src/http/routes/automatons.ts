import { Hono } from "hono";
import {
  startDevLoop,
  startSpecGen,
  startTaskRun,
  taskRunTarget,
} from "../../../durable-objects/automaton/project-automaton-start.js";
import {
  checkTaskReadyProject,
  subscribeTaskReady,
} from "../../../durable-objects/automaton/task-ready-subscription.js";
import { directoryStub } from "../../../durable-objects/directory-do.js";
import { agentStub } from "../../../durable-objects/stubs.js";
import { cronProblem } from "../../automaton/schedule-clock.js";
import { workspacePathOf } from "../../automaton/workspace-root.js";
import { AuraError, unwrap } from "../../core/errors.js";
import { bytesToHex } from "../../core/hash.js";
import { newAgentId } from "../../core/ids.js";
import {
  type AutomatonCommand,
  AutomatonId,
  type AutomatonView,
  agentOfAutomaton,
  CreateAutomatonRequest,
  DEV_LOOP_SCHEDULES,
  type Schedule,
  StartAutomatonRequest,
} from "../../protocol/automatons.js";
import { readJson, validate } from "../body.js";
import type { AppEnv } from "../context.js";

const MAX_BODY_BYTES = 16 * 1024;
/** Agents of the org asked at once when listing every automaton. */
const LIST_FAN_OUT = 16;

type Ctx = {
  env: Env;
  req: { param(name: "id"): string };
  get(key: "principal"): { org: string; sub: string };
};

/** The automaton a route names, and the object of the agent that runs it (in the caller's org). */
function target(c: Ctx) {
  const id = validate(AutomatonId, c.req.param("id"), "automaton_id");
  const { org } = c.get("principal");
  const agentId = agentOfAutomaton(id);
  return { id, address: { org, agent_id: agentId }, stub: agentStub(c.env, org, agentId) };
}

/** A status change through the agent's object, answered `{ok, automaton_id, status}`. */
async function control(c: Ctx, command: AutomatonCommand) {
  const { id, address, stub } = target(c);
  return unwrap(await stub.controlAutomaton(address, id, command));
}

/**
 * Refuses what the body's schema cannot: a cron expression or zone that does not parse, a
 * schedule the built-in does not run on, a `workspace_root` that does not map.
 */
function checkStart(kind: string, schedule: Schedule | undefined, workspaceRoot?: string): void {
  if (schedule?.type === "cron") {
    const problem = cronProblem(schedule.expression, schedule.timezone);
    if (problem !== undefined)
      throw new AuraError("invalid_request", `schedule.expression: ${problem}`);
  }
  if (
    kind === "dev-loop" &&
    schedule !== undefined &&
    !DEV_LOOP_SCHEDULES.includes(schedule.type)
  ) {
    throw new AuraError(
      "invalid_request",
      `schedule.type: a dev-loop runs on ${DEV_LOOP_SCHEDULES.join(", ")}, not ${schedule.type}`,
    );
  }
  if (workspaceRoot !== undefined) unwrap(workspacePathOf(workspaceRoot));
}

/** Every automaton of the org's agents, finished ones too (the directory lists the agents). */
async function listAll(env: Env, org: string): Promise<AutomatonView[]> {
  const agents = await directoryStub(env, org).list(undefined, 1000);
  const views: AutomatonView[] = [];
  for (let i = 0; i < agents.length; i += LIST_FAN_OUT) {
    const batch = agents.slice(i, i + LIST_FAN_OUT);
    const found = await Promise.all(
      batch.map(({ agent_id }) => agentStub(env, org, agent_id).automatons({ org, agent_id })),
    );
    for (const result of found) if (result.ok) views.push(...result.automatons);
  }
  return views;
}

/**
 * A `spec-gen` or `dev-loop` of `POST /automatons`: each runs in a new agent made for the
 * project it names (`project_id` required, `agent_id` and `task_id` refused), on the body's
 * schedule (a dev loop does one task per tick).
 */
function projectAutomaton(env: Env, org: string, body: CreateAutomatonRequest) {
  if (body.agent_id !== undefined || body.task_id !== undefined) {
    const field = body.agent_id !== undefined ? "agent_id" : "task_id";
    throw new AuraError("invalid_request", `${field}: not for ${body.kind}`);
  }
  if (body.project_id === undefined) {
    throw new AuraError("invalid_request", `project_id: required for ${body.kind}`);
  }
  const { project_id, schedule, workspace_root } = body;
  if (body.kind === "dev-loop") {
    if (body.requirements_path !== undefined) {
      throw new AuraError("invalid_request", "requirements_path: not for dev-loop");
    }
    return startDevLoop(env, { org, project_id, schedule, workspace_root });
  }
  const requirements_path = body.requirements_path ?? "requirements.md";
  return startSpecGen(env, { org, project_id, requirements_path, schedule, workspace_root });
}

/** Installs the automaton a `POST /automatons` body asks for, in the agent that runs it. */
async function createAutomaton(
  env: Env,
  org: string,
  body: CreateAutomatonRequest,
): Promise<AutomatonView> {
  const { schedule } = body;
  if (body.kind === "task-run") {
    const task = taskRunTarget(body);
    const { workspace_root } = body;
    const { ok: _ok, ...view } = unwrap(
      await startTaskRun(env, { org, ...task, schedule, workspace_root }),
    );
    return view;
  }
  if (body.kind === "spec-gen" || body.kind === "dev-loop") {
    const { ok: _ok, ...view } = unwrap(await projectAutomaton(env, org, body));
    return view;
  }
  if (body.project_id !== undefined || body.task_id !== undefined) {
    throw new AuraError("invalid_request", `project_id, task_id: not for ${body.kind}`);
  }
  if (body.requirements_path !== undefined) {
    throw new AuraError("invalid_request", `requirements_path: not for ${body.kind}`);
  }
  let agentId = body.agent_id;
  if (agentId === undefined) {
    agentId = newAgentId();
    const stub = agentStub(env, org, agentId);
    unwrap(await stub.create({ org, agent_id: agentId, settings: {}, now: Date.now() }));
  }
  const suffix = bytesToHex(crypto.getRandomValues(new Uint8Array(8)));
  const { ok: _ok, ...view } = unwrap(
    await agentStub(env, org, agentId).createAutomaton(
      { org, agent_id: agentId },
      {
        kind: body.kind,
        schedule,
        automaton_id: `${agentId}${suffix}`,
        ...(body.workspace_root === undefined ? {} : { workspace_root: body.workspace_root }),
      },
    ),
  );
  return view;
}

/**
 * `/automatons`: create (any built-in with a schedule), status, record, pause, resume, stop
 * and on-demand ticks. An automaton lives in the object of the agent that runs it; its id
 * starts with that agent's id, so the Worker reaches it within the caller's org only.
 */
export const automatonRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    const body = await readJson(c, CreateAutomatonRequest, MAX_BODY_BYTES);
    const { schedule } = body;
    checkStart(body.kind, schedule, body.workspace_root);
    const { org } = c.get("principal");
    unwrap(await checkTaskReadyProject(c.env, org, schedule));
    const view = await createAutomaton(c.env, org, body);
    unwrap(await subscribeTaskReady(c.env, org, view));
    return c.json(view, 201);
  })
  .get("/", async (c) => c.json(await listAll(c.env, c.get("principal").org)))
  .get("/:id", async (c) => {
    const { id, address, stub } = target(c);
    const { ok: _ok, ...view } = unwrap(await stub.automaton(address, id));
    return c.json(view);
  })
  .get("/:id/record", async (c) => {
    const { id, address, stub } = target(c);
    const { json } = unwrap(await stub.automatonRecord(address, id));
    return c.body(json, 200, { "content-type": "application/json" });
  })
  .post("/:id/pause", async (c) => c.json(await control(c, "pause")))
  .post("/:id/resume", async (c) => c.json(await control(c, "resume")))
  .post("/:id/stop", async (c) => c.json(await control(c, "stop")))
  .post("/:id/tick", async (c) => {
    const { id, address, stub } = target(c);
    return c.json(unwrap(await stub.tickAutomaton(address, id)), 202);
  });

/**
 * `/automaton`: the reference's routes over the same runtime. `POST /automaton/start` with a
 * `task_id` starts a `task-run` of that task and its first tick; without one, the project's
 * `dev-loop` (one per project: a second start is `409`).
 */
export const referenceAutomatonRoutes = new Hono<AppEnv>()
  .post("/start", async (c) => {
    const body = await readJson(c, StartAutomatonRequest, MAX_BODY_BYTES);
    const { org } = c.get("principal");
    const kind = body.kind ?? (body.task_id === undefined ? "dev-loop" : "task-run");
    if (kind !== "task-run" && kind !== "dev-loop") {
      throw new AuraError(
        "invalid_request",
        `kind: /automaton/start runs task-run or dev-loop, not ${kind}`,
      );
    }
    checkStart(kind, body.schedule, body.workspace_root);
    let view: AutomatonView;
    if (kind === "task-run") {
      if (body.task_id === undefined) {
        throw new AuraError("invalid_request", "task_id: required for task-run");
      }
      const remote = (["git_repo_url", "git_branch"] as const).find((f) => body[f] !== undefined);
      if (remote !== undefined) {
        throw new AuraError(
          "invalid_request",
          `${remote}: a task-run works in the project's workspace as it is`,
        );
      }
      const schedule = body.schedule ?? { type: "on_demand" };
      unwrap(await checkTaskReadyProject(c.env, org, schedule));
      const { ok: _ok, ...started } = unwrap(
        await startTaskRun(c.env, {
          org,
          project_id: body.project_id,
          task_id: body.task_id,
          schedule,
          model: body.model,
          workspace_root: body.workspace_root,
        }),
      );
      view = started;
      unwrap(await subscribeTaskReady(c.env, org, view));
      const stub = agentStub(c.env, org, view.agent_id);
      unwrap(await stub.tickAutomaton({ org, agent_id: view.agent_id }, view.automaton_id));
    } else {
      if (body.task_id !== undefined) {
        throw new AuraError("invalid_request", "task_id: not for dev-loop");
      }
      const { ok: _ok, ...started } = unwrap(
        await startDevLoop(c.env, {
          org,
          project_id: body.project_id,
          model: body.model,
          git_repo_url: body.git_repo_url,
          git_branch: body.git_branch,
          schedule: body.schedule,
          workspace_root: body.workspace_root,
        }),
      );
      view = started;
    }
    const id = view.automaton_id;
    return c.json({ automaton_id: id, event_stream_url: `/stream/automaton/${id}` }, 201);
  })
  .get("/list", async (c) => c.json(await listAll(c.env, c.get("principal").org)))
  .get("/:id/status", async (c) => {
    const { id, address, stub } = target(c);
    const { ok: _ok, ...view } = unwrap(await stub.automaton(address, id));
    return c.json({ ok: true, ...view });
  })
  .post("/:id/pause", async (c) => c.json(await control(c, "pause")))
  .post("/:id/resume", async (c) => c.json(await control(c, "resume")))
  .post("/:id/stop", async (c) => c.json(await control(c, "stop")));
