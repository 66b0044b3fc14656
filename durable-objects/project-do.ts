import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../src/config.js";
import { type Failure, fail, type Result } from "../src/core/errors.js";
import { ZERO_HASH } from "../src/core/hash.js";
import { decide } from "../src/project/decide.js";
import {
  evolve,
  initialState,
  type ProjectCommand,
  type ProjectState,
  touchedBy,
} from "../src/project/project-events.js";
import { becameReady } from "../src/project/task-ready.js";
import type { VerifyReport } from "../src/protocol/agents.js";
import type { Project, Spec, Task } from "../src/protocol/projects.js";
import { selectEntries, unreadableRow } from "./agent/record-table.js";
import { insertAction, selectAction } from "./project/action-table.js";
import { appendMutation, verifyProject } from "./project/project-record.js";
import {
  loadState,
  type ProjectMeta,
  saveItems,
  selectMeta,
  selectSpecs,
  selectTasks,
  upsertMeta,
} from "./project/project-tables.js";
import { migrateProject } from "./project/schema.js";
import { deliverOwed, RETRY_MS } from "./project/task-ready-delivery.js";
import {
  deleteSubscription,
  insertSubscription,
  oweDeliveries,
  selectSubscriptions,
  type TaskReadySubscription,
} from "./project/task-ready-table.js";

/** Which project of which org a call is for; checked against the stored owner. */
export interface ProjectAddress {
  org: string;
  project_id: string;
}

/**
 * `execute`: one mutation, by the principal `sub`. With `idempotency_key`, a repeat of the key
 * answers the first outcome and changes nothing (a domain tool call's action id).
 */
export interface ExecuteInput extends ProjectAddress {
  sub: string;
  command: ProjectCommand;
  idempotency_key?: string;
}

/** What a mutation answers: the project, spec or task it made or changed; for a delete, `{deleted: true}`. */
export type Mutated = Project | Spec | Task | { deleted: true };

/**
 * One project: its specs and tasks, and the hash-chained record of every mutation. The object
 * is named from the org and the project id, so another org's token never reaches it. Each
 * mutation is decided by the pure decider (`src/project/`) and committed in one storage
 * transaction: its record entry, the new head and the changed rows together.
 */
export class ProjectDO extends DurableObject<Env> {
  readonly #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    migrateProject(ctx.storage);
  }

  /**
   * Applies one command (`create_project` included); a refusal changes nothing but, with an
   * idempotency key, is kept as that key's answer.
   */
  execute(input: ExecuteInput): Result<{ value: Mutated }> {
    const meta = selectMeta(this.#sql);
    if (meta && (meta.org !== input.org || meta.project_id !== input.project_id)) {
      return projectNotFound(input.project_id);
    }
    const key = input.idempotency_key;
    const first = key === undefined ? undefined : selectAction<Mutated>(this.#sql, key);
    if (first) return first;
    const state = loadState(this.#sql) ?? initialState();
    const decision = decide(input.command, state);
    if (!decision.ok) {
      const refused = withProjectId(decision, input.project_id);
      if (meta && key !== undefined) insertAction(this.#sql, key, refused, null);
      return refused;
    }
    const after = decision.events.reduce(evolve, state);
    const value = mutatedOf(input.command, after);
    const current: ProjectMeta = meta ?? {
      project_id: input.project_id,
      org: input.org,
      window_size: loadConfig(this.env).windowSize,
      head_seq: 0,
      head_hash: ZERO_HASH,
      deleted: false,
    };
    const ready = becameReady(state.tasks, after.tasks);
    let owed = 0;
    this.ctx.storage.transactionSync(() => {
      const head = appendMutation(this.#sql, current, {
        command: input.command,
        events: decision.events,
        sub: input.sub,
      });
      upsertMeta(
        this.#sql,
        { ...current, ...head, deleted: after.deleted },
        after.project as Project,
      );
      saveItems(this.#sql, after, touchedBy(decision.events));
      if (key !== undefined) insertAction(this.#sql, key, { ok: true, value }, head.head_seq);
      if (ready.length > 0) owed = oweDeliveries(this.#sql, ready, head.head_seq);
    });
    // Same synchronous block as the write above: the owed deliveries and their alarm commit together.
    if (owed > 0) void this.ctx.storage.setAlarm(Date.now());
    return { ok: true, value };
  }

  /** The project. */
  project(address: ProjectAddress): Result<{ project: Project }> {
    const meta = this.#owned(address);
    return meta ? { ok: true, project: meta.project } : projectNotFound(address.project_id);
  }

  /** Specs, in order. */
  specs(address: ProjectAddress): Result<{ specs: Spec[] }> {
    if (!this.#owned(address)) return projectNotFound(address.project_id);
    return { ok: true, specs: selectSpecs(this.#sql) };
  }

  /** Tasks, in order. */
  tasks(address: ProjectAddress): Result<{ tasks: Task[] }> {
    if (!this.#owned(address)) return projectNotFound(address.project_id);
    return { ok: true, tasks: selectTasks(this.#sql) };
  }

  /** Entries `from_seq…`, at most `limit` (the caller clamps it), as a JSON array text. */
  record(address: ProjectAddress, fromSeq: number, limit: number): Result<{ json: string }> {
    if (!this.#owned(address)) return projectNotFound(address.project_id);
    const rows = selectEntries(this.#sql, fromSeq, limit);
    const problem = unreadableRow(rows);
    if (problem !== undefined) return fail("internal", problem);
    return { ok: true, json: JSON.stringify(rows) };
  }

  /** Re-folds the whole record and compares it with the stored state. */
  verify(address: ProjectAddress): Result<{ report: VerifyReport }> {
    const meta = this.#owned(address);
    const state = loadState(this.#sql);
    if (!meta || !state) return projectNotFound(address.project_id);
    return { ok: true, report: verifyProject(this.#sql, meta, state) };
  }

  /**
   * Subscribes an automaton (run by `agent_id`) to this project's `task_ready` events: each
   * task that becomes ready from now on is delivered to the agent. Idempotent; `404` for a
   * project of another org.
   */
  subscribeTaskReady(
    address: ProjectAddress,
    subscription: TaskReadySubscription,
  ): Result<{ subscribed: true }> {
    if (!this.#owned(address)) return projectNotFound(address.project_id);
    insertSubscription(this.#sql, subscription, Date.now());
    return { ok: true, subscribed: true };
  }

  /** Ends an automaton's subscription and drops what is still owed to it. */
  unsubscribeTaskReady(address: ProjectAddress, automatonId: string): Result<{ ok: true }> {
    const meta = selectMeta(this.#sql);
    if (!meta || meta.org !== address.org || meta.project_id !== address.project_id) {
      return projectNotFound(address.project_id);
    }
    deleteSubscription(this.#sql, automatonId);
    return { ok: true };
  }

  /** The automatons subscribed to this project's `task_ready` events. */
  taskReadySubscriptions(
    address: ProjectAddress,
  ): Result<{ subscriptions: TaskReadySubscription[] }> {
    if (!this.#owned(address)) return projectNotFound(address.project_id);
    return { ok: true, subscriptions: selectSubscriptions(this.#sql) };
  }

  /** Delivers the `task_ready` events still owed; what fails is tried again a second later. */
  override async alarm(): Promise<void> {
    const meta = selectMeta(this.#sql);
    if (!meta) return;
    const done = await deliverOwed(this.env, this.#sql, meta);
    if (!done) await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
  }

  #owned(address: ProjectAddress) {
    const meta = selectMeta(this.#sql);
    if (!meta || meta.deleted) return undefined;
    if (meta.org !== address.org || meta.project_id !== address.project_id) return undefined;
    return meta;
  }
}

function mutatedOf(command: ProjectCommand, state: ProjectState): Mutated {
  switch (command.type) {
    case "create_project":
    case "update_project":
    case "claim_dev_loop":
      return state.project as Project;
    case "create_spec":
    case "update_spec":
      return state.specs.get(command.spec_id) as Spec;
    case "create_task":
    case "update_task":
    case "transition_task":
      return state.tasks.get(command.task_id) as Task;
    default:
      return { deleted: true };
  }
}

function projectNotFound(projectId: string): Failure {
  return fail("not_found", `project ${projectId} not found`);
}

function withProjectId(failure: Failure, projectId: string): Failure {
  return failure.message === "project not found" ? projectNotFound(projectId) : failure;
}
