import { z } from "zod";
import { HEX32 } from "../core/ids.js";

/**
 * Wire types of projects, their specs and tasks (`/projects…`, docs/protocol.md). A project
 * lives in its own ProjectDO; every mutation is one entry of the project's record.
 */

/** A project id: 32 random bytes, lowercase hex (the shape of an agent id). */
export const ProjectId = z.string().regex(HEX32, "project_id must be 64 lowercase hex characters");

/** A spec or task id: 16 random bytes, lowercase hex. */
export const ItemId = z.string().regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hex characters");

/** A task's status; see `src/project/task-status.ts` for the transitions. */
export const TaskStatus = z.enum(["pending", "ready", "in_progress", "done", "failed", "blocked"]);
export type TaskStatus = z.infer<typeof TaskStatus>;

const Name = z.string().trim().min(1).max(200);
const Text = z.string().max(100_000);
const Markdown = z.string().max(500_000);
const Order = z.number().int().min(0).max(1_000_000_000);
const GitUrl = z.string().min(1).max(2048);
const GitBranch = z.string().regex(/^[A-Za-z0-9._/-]{1,200}$/, "must be 1-200 of [A-Za-z0-9._/-]");
const DependencyIds = z.array(ItemId).max(200);

/** A project as the API returns it. */
export const Project = z.object({
  id: ProjectId,
  name: z.string(),
  description: z.string(),
  git_repo_url: z.string().optional(),
  git_branch: z.string().optional(),
  /** The project's latest dev loop (one runs at a time; a finished one stays named). */
  dev_loop_automaton_id: z.string().optional(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
});
export type Project = z.infer<typeof Project>;

/** A spec: one markdown document of the project, in `order`. */
export const Spec = z.object({
  id: ItemId,
  title: z.string(),
  markdown_contents: z.string(),
  order: z.number().int(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
});
export type Spec = z.infer<typeof Spec>;

/** A task: one unit of work, done after its dependencies. */
export const Task = z.object({
  id: ItemId,
  title: z.string(),
  description: z.string(),
  spec_id: ItemId.optional(),
  status: TaskStatus,
  dependency_ids: z.array(ItemId),
  order: z.number().int(),
  attempts: z.number().int().nonnegative(),
  notes: z.string(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
});
export type Task = z.infer<typeof Task>;

/** `POST /projects` body. */
export const CreateProjectRequest = z.strictObject({
  name: Name,
  description: Text.default(""),
  git_repo_url: GitUrl.optional(),
  git_branch: GitBranch.optional(),
});
export type CreateProjectRequest = z.infer<typeof CreateProjectRequest>;

/** `PATCH /projects/:id` body: the fields to change; `null` clears an optional one. */
export const UpdateProjectRequest = z.strictObject({
  name: Name.optional(),
  description: Text.optional(),
  git_repo_url: GitUrl.nullable().optional(),
  git_branch: GitBranch.nullable().optional(),
});
export type UpdateProjectRequest = z.infer<typeof UpdateProjectRequest>;

/** `POST /projects/:id/specs` body; `order` defaults to after the last spec. */
export const CreateSpecRequest = z.strictObject({
  title: Name,
  markdown_contents: Markdown.default(""),
  order: Order.optional(),
});
export type CreateSpecRequest = z.infer<typeof CreateSpecRequest>;

/** `PATCH /projects/:id/specs/:spec_id` body. */
export const UpdateSpecRequest = z.strictObject({
  title: Name.optional(),
  markdown_contents: Markdown.optional(),
  order: Order.optional(),
});
export type UpdateSpecRequest = z.infer<typeof UpdateSpecRequest>;

/**
 * `POST /projects/:id/tasks` body. The status is never given: a task starts `ready` when
 * every dependency is `done`, else `pending`. `order` defaults to after the last task.
 */
export const CreateTaskRequest = z.strictObject({
  title: Name,
  description: Text.default(""),
  spec_id: ItemId.optional(),
  dependency_ids: DependencyIds.default([]),
  order: Order.optional(),
  notes: Text.default(""),
});
export type CreateTaskRequest = z.infer<typeof CreateTaskRequest>;

/** `PATCH /projects/:id/tasks/:task_id` body (status changes go through `/transition`). */
export const UpdateTaskRequest = z.strictObject({
  title: Name.optional(),
  description: Text.optional(),
  spec_id: ItemId.nullable().optional(),
  dependency_ids: DependencyIds.optional(),
  order: Order.optional(),
  notes: Text.optional(),
});
export type UpdateTaskRequest = z.infer<typeof UpdateTaskRequest>;

/** `POST /projects/:id/tasks/:task_id/transition` body. */
export const TransitionTaskRequest = z.strictObject({ status: TaskStatus });
export type TransitionTaskRequest = z.infer<typeof TransitionTaskRequest>;

/** `GET /projects/:id/files` query. */
export const ProjectFilesQuery = z.object({
  path: z.string().min(1).max(4096).default("."),
  depth: z.coerce
    .number()
    .int()
    .default(3)
    .transform((n) => Math.min(20, Math.max(0, n))),
});

/** `GET /projects/:id/read-file` query. */
export const ProjectReadFileQuery = z.object({ path: z.string().min(1).max(4096) });

/** One commit of a project's workspace, newest first in `GET /projects/:id/commits`. */
export const Commit = z.object({
  sha: z.string().regex(/^[0-9a-f]{40,64}$/),
  message: z.string(),
  /** Committer time, milliseconds since the epoch. */
  time: z.number().int(),
});
export type Commit = z.infer<typeof Commit>;
