import { z } from "zod";
import { AgentStatus } from "../core/record.js";
import { ProjectId } from "./projects.js";

/** A permission level of the tool policy (SPEC §4). */
export const PermissionLevel = z.enum(["always_allow", "ask_once", "always_ask", "deny"]);

/** An agent's tool policy: a named profile, or explicit levels. */
export const PolicySetting = z.union([
  z.enum(["dev", "strict"]),
  z.strictObject({
    profile: z.enum(["dev", "strict"]).optional(),
    tools: z.record(z.string().min(1).max(128), PermissionLevel).optional(),
    allow_unlisted: z.boolean().optional(),
  }),
]);

/** `POST /agents` body. */
export const CreateAgentRequest = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  system_prompt: z.string().max(100_000).optional(),
  model: z.string().min(1).max(200).optional(),
  policy: PolicySetting.optional(),
  /** Tokens (input + output) the agent may spend over its life; absent means no budget. */
  credit_budget_tokens: z.number().int().positive().optional(),
  /** The project of the org the agent works on: the default `project_id` of its domain tools. */
  project_id: ProjectId.optional(),
});
export type CreateAgentRequest = z.infer<typeof CreateAgentRequest>;

/** Settings an agent is created with; they shape its turns. */
export type AgentSettings = CreateAgentRequest & {
  /** Set on an agent another agent spawned: where its task's answer goes back to. */
  parent?: { agent_id: string; spawn_tx: string };
  /**
   * Where the agent's sandbox calls go: its own workspace (absent), or its `project_id`'s
   * (`"project"`). Set only by the server, for the agent a `task-run` automaton runs.
   */
  workspace?: "project";
  /** Set on the agent a `task-run` automaton runs: the task of its `project_id` it carries out. */
  task_run?: { task_id: string };
  /** Set on the agent a `dev-loop` automaton runs: the remote its workspace is cloned from. */
  dev_loop?: { git_repo_url?: string; git_branch?: string };
  /** Set on the agent a `spec-gen` automaton runs: the workspace file it reads requirements from. */
  spec_gen?: { requirements_path: string };
};

/** A model's `tool_use` id, as it appears in a URL. */
export const ToolUseId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, "must be 1-128 of [A-Za-z0-9_-]");

/** `POST /agents/:id/approvals/:tool_use_id` body: a person's answer to a parked tool call. */
export const ApprovalRequest = z.strictObject({ approved: z.boolean() });

/** `POST /agents/:id/fork` body. */
export const ForkRequest = z.strictObject({
  at_seq: z.number().int().min(1),
});

/** `GET /agents/:id/head` response. */
export const AgentHead = z.object({
  agent_id: z.string(),
  head_seq: z.number().int().nonnegative(),
  head_hash: z.string(),
  status: AgentStatus,
});
export type AgentHead = z.infer<typeof AgentHead>;

/** One row of `GET /agents`. */
export const AgentSummary = z.object({
  agent_id: z.string(),
  /** The name given at `POST /agents`; absent when none was given. */
  name: z.string().optional(),
  head_seq: z.number().int().nonnegative(),
  status: AgentStatus,
  created_at: z.number().int(),
  /** The project the agent works on, when it has one. */
  project_id: ProjectId.optional(),
  /** `"project"` when its files, commands and terminal are its project's workspace. */
  workspace: z.literal("project").optional(),
  /** `ts_ms` of the head entry's transaction; absent while the record is empty. */
  last_activity_ms: z.number().int().nonnegative().optional(),
  /** Tokens of every model answer in the record (the `usage` of its `reasoning` entries). */
  tokens: z
    .object({
      input_tokens: z.number().int().nonnegative(),
      output_tokens: z.number().int().nonnegative(),
    })
    .optional(),
});
export type AgentSummary = z.infer<typeof AgentSummary>;

/** `GET /agents/:id/verify` response. */
export const VerifyReport = z.object({
  ok: z.boolean(),
  head_seq: z.number().int().nonnegative(),
  checked: z.number().int().nonnegative(),
  first_bad_seq: z.number().int().positive().optional(),
  reason: z.string().optional(),
});
export type VerifyReport = z.infer<typeof VerifyReport>;

/** Record page query: `from_seq` ≥ 1, `limit` clamped to 1..1000. */
export const RecordQuery = z.object({
  from_seq: z.coerce.number().int().min(1).default(1),
  limit: z.coerce
    .number()
    .int()
    .default(100)
    .transform((n) => Math.min(1000, Math.max(1, n))),
});
