import { recordedToolCalls } from "../../src/agent/recorded-tool-calls.js";
import { decodeAutomatonEvent } from "../../src/automaton/automaton-record.js";
import type { AutomatonState } from "../../src/automaton/automaton-state.js";
import {
  dependantsToBlock,
  devLoopPromptKey,
  loopFinished,
  MAX_TASK_ATTEMPTS,
  nextTask,
  taskCommit,
} from "../../src/automaton/dev-loop-plan.js";
import { taskPrompt } from "../../src/automaton/task-run-progress.js";
import { textToBase64 } from "../../src/core/base64.js";
import type { Task } from "../../src/protocol/projects.js";
import type { GitRequest, GitResponse } from "../../src/protocol/sandbox.js";
import { automatonEntries } from "./automaton-reads.js";
import type { Builtin, TickContext, TickResult } from "./builtin.js";
import { recordFailure, transition } from "./engine-tools.js";
import { failureReason, type TaskRunHost } from "./task-run-builtin.js";
import { promptUnderKey, turnEntries } from "./task-run-turn.js";

/** What `dev-loop` needs from the agent's object: what `task-run` does, and git in the workspace. */
export interface DevLoopHost extends TaskRunHost {
  /** Runs a clone or a commit in the project's workspace. */
  git(request: GitRequest): Promise<GitResponse>;
}

/** What a dev-loop tick chose when it began (its `automaton_tick` intent). */
type LoopIntent = {
  task_id?: string;
  title?: string;
  /** Which attempt at the task this tick is (1 to {@link MAX_TASK_ATTEMPTS}). */
  attempt?: number;
  /** The prompt key of a turn an earlier tick left open, which this tick waits out. */
  continues?: string;
  error?: string;
};

/**
 * `dev-loop`: a project's tasks, one per tick, in dependency order, in the project's
 * workspace. A tick's intent (recorded before its work) names the task; the tick admits the
 * task's prompt under a key of that tick, lets that one turn through with the engine tools
 * (`get_task_context`, `submit_plan`, `task_done`) and reads from the record what it came to:
 * - an accepted `task_done` → the workspace is committed `task(<id>): <title>` (once: the
 *   commit is recognised by its subject);
 * - anything else → the task failed this attempt: its notes get the reason and it is made
 *   `ready` again for the next tick, until the third attempt, after which it stays `failed`
 *   and every task waiting on it is `blocked`.
 * When no task can run the loop ends: `all_tasks_complete` (completed) or
 * `all_tasks_blocked` (failed). The first tick clones `git_repo_url` into the workspace when
 * the loop has one. Every project change carries a key of its tick, so a resumed tick
 * repeats nothing.
 *
 * @example
 * const loop = devLoopBuiltin({ store, gate, drain, admit, project, now: Date.now, git });
 */
export function devLoopBuiltin(host: DevLoopHost): Builtin {
  const { store } = host;
  const address = () => {
    const meta = store.requireMeta();
    return { org: meta.org, project_id: meta.settings.project_id ?? "" };
  };
  return {
    kind: "dev-loop",
    holdsTurns: true,
    // A turn left open (waiting for an approval) is waited out before the next tick.
    hasWork: () => store.requireMeta().open_turn_seq === null,
    async intent(state): Promise<LoopIntent> {
      const last = state.last_tick;
      const open = last?.outcome === "turn_open" ? last.detail : undefined;
      if (typeof open?.task_id === "string" && typeof open.prompt_key === "string") {
        return { task_id: open.task_id, attempt: Number(open.attempt), continues: open.prompt_key };
      }
      const found = await host.project(address().project_id).tasks(address());
      if (!found.ok) throw new Error(found.message);
      const task = nextTask(found.tasks);
      if (!task) return {};
      return {
        task_id: task.id,
        title: task.title,
        attempt: attemptsOf(host, state, task.id) + 1,
      };
    },
    async tick(context: TickContext): Promise<TickResult> {
      const intent = (context.intent ?? {}) as LoopIntent;
      if (intent.error !== undefined) {
        return { outcome: "error", fail: `the project could not be read: ${intent.error}` };
      }
      const settings = store.requireMeta().settings;
      if (settings.project_id === undefined || settings.dev_loop === undefined) {
        return { outcome: "no_project", fail: "dev-loop runs only in an agent made for a project" };
      }
      if (context.tick === 1 && settings.dev_loop.git_repo_url !== undefined) {
        const cloned = await host.git({
          op: "clone",
          url: settings.dev_loop.git_repo_url,
          ...(settings.dev_loop.git_branch === undefined
            ? {}
            : { branch: settings.dev_loop.git_branch }),
        });
        if (!cloned.ok)
          return { outcome: "clone_failed", fail: `git clone failed: ${cloned.error}` };
      }
      if (intent.task_id === undefined) return finish(host, address());
      return runTask(host, context, intent as LoopIntent & { task_id: string });
    },
  };
}

/** Ends the loop: how its tasks stand now decides completed or failed. */
async function finish(
  host: DevLoopHost,
  address: { org: string; project_id: string },
): Promise<TickResult> {
  const found = await host.project(address.project_id).tasks(address);
  if (!found.ok)
    return { outcome: "error", fail: `the project could not be read: ${found.message}` };
  const loop_finished = loopFinished(found.tasks);
  const detail = { loop_finished };
  if (loop_finished.outcome === "all_tasks_complete") {
    return { outcome: "loop_finished", detail, complete: true };
  }
  const left = found.tasks.filter((t) => t.status !== "done").map((t) => `${t.id} ${t.status}`);
  return { outcome: "loop_finished", detail, fail: `all_tasks_blocked: ${left.join(", ")}` };
}

/** One attempt at one task: its turn, then its commit or its failure. */
async function runTask(
  host: DevLoopHost,
  { automaton, tick }: TickContext,
  intent: LoopIntent & { task_id: string },
): Promise<TickResult> {
  const { store, gate } = host;
  const meta = store.requireMeta();
  const projectId = meta.settings.project_id ?? "";
  const address = { org: meta.org, project_id: projectId };
  const port = host.project(projectId);
  const attempt = intent.attempt ?? 1;
  const key = intent.continues ?? devLoopPromptKey(automaton.automaton_id, tick, intent.task_id);
  const base = { task_id: intent.task_id, attempt, prompt_key: key };
  let opened = promptUnderKey(store, automaton, key);
  if (!opened) {
    const tasks = await port.tasks(address);
    if (!tasks.ok)
      return { outcome: "error", fail: `the project could not be read: ${tasks.message}` };
    const task = tasks.tasks.find((t) => t.id === intent.task_id);
    if (!task) return { outcome: "task_gone", detail: base };
    const specs = await port.specs(address);
    const spec = specs.ok ? specs.specs.find((s) => s.id === task.spec_id) : undefined;
    if (meta.status !== "active") return { outcome: "agent_inactive", detail: base };
    const admitted = await host.admit({
      org: meta.org,
      agent_id: meta.agent_id,
      kind: "user_prompt",
      payload: textToBase64(taskPrompt(task, spec)),
      idempotency_key: key,
      now: host.now(),
      existing_only: true,
    });
    if (!admitted.ok) return { outcome: "error", fail: admitted.message };
    opened = await gate.letOneTurnThrough(
      () => host.drain(),
      () => promptUnderKey(store, automaton, key),
    );
    if (!opened) return { outcome: "idle", detail: base };
  }
  await host.drain();
  const detail = { ...base, tx_id: opened.tx.hash, turn_seq: opened.seq };
  if (store.requireMeta().open_turn_seq === opened.seq) return { outcome: "turn_open", detail };
  const entries = turnEntries(store, opened.seq);
  const accepted = recordedToolCalls(entries).some(
    (c) => c.proposal.tool === "task_done" && c.execution?.result?.ok === true,
  );
  const found = await port.tasks(address);
  if (!found.ok)
    return { outcome: "error", fail: `the project could not be read: ${found.message}` };
  const task = found.tasks.find((t) => t.id === intent.task_id);
  if (!task) return { outcome: "task_gone", detail };
  const title = { title: task.title };
  if (accepted || task.status === "done") {
    const commit = await host.git({ op: "commit", ...taskCommit(task) });
    if (!commit.ok) {
      const reason = `task ${task.id} is done but its commit failed: ${commit.error}`;
      return { outcome: "commit_failed", detail, fail: reason };
    }
    return {
      outcome: "task_done",
      detail: {
        ...detail,
        commit: commit.sha,
        task_events: [{ type: "task_completed", task_id: task.id, ...title }],
      },
    };
  }
  const reason = `attempt ${attempt} of ${MAX_TASK_ATTEMPTS}: ${failureReason(entries.at(-1))}`;
  const keyBase = `automaton:${automaton.automaton_id}:tick:${tick}`;
  const retry = attempt < MAX_TASK_ATTEMPTS;
  const blocked = await failAttempt(host, address, found.tasks, task, reason, keyBase, retry);
  const failed = { type: "task_failed", task_id: task.id, ...title, reason };
  return {
    outcome: "task_failed",
    detail: { ...detail, reason, retry, blocked, task_events: [failed] },
  };
}

/**
 * Records a failed attempt: the reason in the task's notes (the next attempt's prompt shows
 * them), the task `failed`, then `ready` again when it is retried; else every task waiting on
 * it `blocked`. Returns the ids blocked.
 */
async function failAttempt(
  host: DevLoopHost,
  address: { org: string; project_id: string },
  tasks: readonly Task[],
  task: Task,
  reason: string,
  key: string,
  retry: boolean,
): Promise<string[]> {
  const meta = host.store.requireMeta();
  const ctx = {
    org: address.org,
    agent_id: meta.agent_id,
    project_id: address.project_id,
    project: host.project(address.project_id),
    now: host.now,
  };
  const status = await recordFailure(ctx, task, reason, key);
  if (retry) {
    if (status === "failed") await transition(ctx, task, "ready", `${key}:retry`);
    return [];
  }
  const blocked = dependantsToBlock(tasks, task.id);
  for (const dependant of blocked) {
    await transition(ctx, dependant, "blocked", `${key}:block:${dependant.id}`);
  }
  return blocked.map((t) => t.id);
}

/** Attempts the loop already made at a task: its ticks that began on it (not continuations). */
function attemptsOf(host: DevLoopHost, state: AutomatonState, taskId: string): number {
  let attempts = 0;
  for (const entry of automatonEntries(host.store, state.automaton_id)) {
    const event = decodeAutomatonEvent(entry.tx);
    if (event?.type !== "automaton_tick" || event.intent?.task_id !== taskId) continue;
    if (event.intent.continues === undefined) attempts += 1;
  }
  return attempts;
}
