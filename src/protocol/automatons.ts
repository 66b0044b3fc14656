import { z } from "zod";
import { AgentId } from "../core/ids.js";
import { ItemId, ProjectId } from "./projects.js";
import { GitBranch, GitRemoteUrl } from "./sandbox.js";

/** The built-ins an automaton can run; `task-run`, `dev-loop` and `spec-gen` work on a project. */
export const AutomatonKind = z.enum(["chat", "task-run", "dev-loop", "spec-gen"]);
export type AutomatonKind = z.infer<typeof AutomatonKind>;

/** Where an automaton is in its life (SPEC §10). */
export const AutomatonStatus = z.enum([
  "installing",
  "running",
  "paused",
  "stopped",
  "failed",
  "completed",
]);
export type AutomatonStatus = z.infer<typeof AutomatonStatus>;

/**
 * An `event_driven` filter on the agent's own record: an entry of this type committed from
 * outside the agent (an admitted transaction, never the kernel's own replies).
 */
export const TxTypeFilter = z.strictObject({
  tx_type: z.enum(["user_prompt", "agent_msg", "trigger", "action_result", "system"]),
});
export type TxTypeFilter = z.infer<typeof TxTypeFilter>;

/**
 * An `event_driven` filter on a project of the org: a task of `project_id` becoming `ready`
 * (created ready, made ready by its last dependency finishing, or given back). The project
 * delivers each such change to the agent as a `trigger` ({@link TaskReadyEvent}), so the
 * tick it causes is recorded and replays.
 */
export const TaskReadyFilter = z.strictObject({
  project_id: ProjectId,
  event: z.literal("task_ready"),
});
export type TaskReadyFilter = z.infer<typeof TaskReadyFilter>;

/** What an `event_driven` automaton ticks on. */
export const EventFilter = z.union([TxTypeFilter, TaskReadyFilter]);
export type EventFilter = z.infer<typeof EventFilter>;

/**
 * The payload of the `trigger` a project admits into a subscribed agent when one of its
 * tasks becomes `ready`; `project_seq` is the project's record entry that made it ready.
 */
export const TaskReadyEvent = z.strictObject({
  event: z.literal("task_ready"),
  project_id: ProjectId,
  task_id: ItemId,
  project_seq: z.number().int().positive(),
});
export type TaskReadyEvent = z.infer<typeof TaskReadyEvent>;

/**
 * The transaction type an `event_driven` filter reads in the agent's record.
 *
 * @example
 * filterTxType({ project_id, event: "task_ready" }); // "trigger"
 */
export function filterTxType(filter: EventFilter): TxTypeFilter["tx_type"] {
  return "tx_type" in filter ? filter.tx_type : "trigger";
}

/** How often an automaton ticks. */
export const Schedule = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("continuous") }),
  z.strictObject({
    type: z.literal("interval"),
    seconds: z
      .number()
      .int()
      .min(1)
      .max(366 * 24 * 3600),
  }),
  z.strictObject({
    type: z.literal("cron"),
    expression: z.string().min(1).max(200),
    timezone: z.string().min(1).max(64).optional(),
  }),
  z.strictObject({ type: z.literal("on_demand") }),
  z.strictObject({ type: z.literal("event_driven"), event_filter: EventFilter }),
]);
export type Schedule = z.infer<typeof Schedule>;

/**
 * The schedules a `dev-loop` runs on, one task per tick: `continuous` (the next task as soon
 * as one ends, its default), `interval`, `cron`, `on_demand`. An event-driven loop is refused.
 */
export const DEV_LOOP_SCHEDULES: readonly Schedule["type"][] = [
  "continuous",
  "interval",
  "cron",
  "on_demand",
];

/**
 * An automaton id: the id of the agent that runs it (64 hex) followed by 16 hex of its own,
 * so the Worker finds the agent's object from the id alone — within the caller's org.
 */
export const AutomatonId = z
  .string()
  .regex(/^[0-9a-f]{80}$/, "automaton_id must be 80 lowercase hex characters");

/**
 * `POST /automatons` body. Without `agent_id` a new agent is created to run it. `task-run`
 * names its task (`project_id`, `task_id`) and always runs in a new agent of its own.
 */
export const CreateAutomatonRequest = z.strictObject({
  kind: AutomatonKind,
  agent_id: AgentId.optional(),
  schedule: Schedule,
  project_id: ProjectId.optional(),
  task_id: ItemId.optional(),
  /** `spec-gen` only: the workspace file holding the requirements (default `requirements.md`). */
  requirements_path: z.string().min(1).max(1000).optional(),
  /**
   * The client's directory on its own machine (as `POST /automaton/start` takes it): mapped
   * to `projects/<slug>-<hash>` and recorded on the install as `workspace_path`.
   */
  workspace_root: z.string().min(1).max(1000).optional(),
});
export type CreateAutomatonRequest = z.infer<typeof CreateAutomatonRequest>;

/**
 * `POST /automaton/start` body (the reference's): with `task_id`, a `task-run` of that task
 * (`schedule` defaults to `on_demand`, and a first tick starts at once); without it, a
 * `dev-loop` over the project. `model` is the running agent's model; `git_repo_url` and
 * `git_branch` are the dev loop's. `workspace_root` is the client's directory on its own
 * machine: mapped like `/stream`'s `project_path` to `projects/<slug>-<hash>` and recorded
 * on the automaton's install (`workspace_path`); the work happens in the project's workspace.
 */
export const StartAutomatonRequest = z.strictObject({
  project_id: ProjectId,
  task_id: ItemId.optional(),
  model: z.string().min(1).max(200).optional(),
  workspace_root: z.string().min(1).max(1000).optional(),
  git_repo_url: GitRemoteUrl.optional(),
  git_branch: GitBranch.optional(),
  kind: AutomatonKind.optional(),
  schedule: Schedule.optional(),
});
export type StartAutomatonRequest = z.infer<typeof StartAutomatonRequest>;

/** `POST /automaton/start` answer. */
export const StartAutomatonResponse = z.object({
  automaton_id: z.string(),
  event_stream_url: z.string(),
});
export type StartAutomatonResponse = z.infer<typeof StartAutomatonResponse>;

/** An automaton as every route reports it: its status is the recorded one. */
export const AutomatonView = z.object({
  automaton_id: AutomatonId,
  agent_id: AgentId,
  kind: AutomatonKind,
  schedule: Schedule,
  status: AutomatonStatus,
  reason: z.string().optional(),
  /** Ticks started so far. */
  ticks: z.number().int().nonnegative(),
  /** When the next tick is due (ms since epoch); absent when none is scheduled. */
  next_due_ms: z.number().int().optional(),
  /** Seq of the entry that installed it. */
  installed_seq: z.number().int().positive(),
  /**
   * The folder of the workspace a `POST /automaton/start` `workspace_root` (a host path)
   * maps to, `projects/<slug>-<hash>`, as recorded on its install; absent when none was sent.
   */
  workspace_path: z.string().optional(),
});
export type AutomatonView = z.infer<typeof AutomatonView>;

/** `POST /automatons/:id/pause|resume|stop` and `/automaton/:id/…` answer. */
export const AutomatonControlResponse = z.object({
  ok: z.literal(true),
  automaton_id: AutomatonId,
  status: AutomatonStatus,
});
export type AutomatonControlResponse = z.infer<typeof AutomatonControlResponse>;

/** A control command on an automaton's lifecycle, as the routes name them. */
export const AutomatonCommand = z.enum(["pause", "resume", "stop"]);
export type AutomatonCommand = z.infer<typeof AutomatonCommand>;

/**
 * The agent an automaton id names.
 *
 * @example
 * agentOfAutomaton("ab".repeat(32) + "0123456789abcdef"); // "abab…ab"
 */
export function agentOfAutomaton(automatonId: string): string {
  return automatonId.slice(0, 64);
}
