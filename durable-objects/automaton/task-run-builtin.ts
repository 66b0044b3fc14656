import { recordedToolCalls } from "../../src/agent/recorded-tool-calls.js";
import { taskPrompt } from "../../src/automaton/task-run-progress.js";
import { base64ToText, textToBase64 } from "../../src/core/base64.js";
import type { Result } from "../../src/core/errors.js";
import type { RecordEntry } from "../../src/core/record.js";
import type { AdmitInput } from "../agent/admission.js";
import type { AgentStore } from "../agent/agent-store.js";
import type { ProjectPort } from "../agent/domain-tools.js";
import type { Builtin, TickContext, TickResult } from "./builtin.js";
import { isTurnReply, type TickTurnGate } from "./chat-builtin.js";
import { recordFailure } from "./engine-tools.js";
import {
  type TaskTarget,
  taskPromptKey,
  taskTargetOf,
  taskTurnOf,
  turnEntries,
} from "./task-run-turn.js";

/** What `task-run` needs from the agent's object. */
export interface TaskRunHost {
  store: AgentStore;
  gate: TickTurnGate;
  /** Runs the agent's drain (or joins the one running) to its end. */
  drain(): Promise<void>;
  /** Admits a transaction to this agent (the object's own `admit`). */
  admit(input: AdmitInput): Promise<Result<{ tx_id: string; duplicate: boolean }>>;
  /** The object of one project of the agent's org. */
  project(projectId: string): ProjectPort;
  now(): number;
}

/** Characters of the turn's last reply kept in a failed task's notes. */
const REPLY_NOTE_CHARS = 500;

/**
 * `task-run`: one task of a project, carried out by one agent turn. The tick admits the
 * task's prompt (its title, description and spec) under a key of its own — one per
 * automaton, so a duplicated alarm or a resumed tick finds the turn instead of opening a
 * second — lets that one turn through and waits for it. The turn runs with the engine tools
 * ({@link taskRunToolsFor}); what it came to is read from the record: an accepted `task_done`
 * completes the automaton (the task is already `done`), anything else fails the task with the
 * reason in its notes and fails the automaton.
 *
 * @example
 * const taskRun = taskRunBuiltin({ store, gate, drain, admit, project, now: Date.now });
 * await taskRun.tick({ automaton, tick: 1, startSeq: 9, resumed: false });
 */
export function taskRunBuiltin(host: TaskRunHost): Builtin {
  const { store, gate } = host;
  return {
    kind: "task-run",
    holdsTurns: true,
    hasWork: () => false,
    async tick({ automaton }: TickContext): Promise<TickResult> {
      const meta = store.requireMeta();
      const target = taskTargetOf(meta.settings);
      if (!target)
        return { outcome: "no_task", fail: "task-run runs only in an agent made for a task" };
      let opened = taskTurnOf(store, automaton);
      if (!opened) {
        if (meta.status !== "active") return { outcome: "agent_inactive" };
        const prompt = await promptOf(host, meta.org, target);
        if (!prompt.ok) return { outcome: "no_task", fail: prompt.message };
        const admitted = await host.admit({
          org: meta.org,
          agent_id: meta.agent_id,
          kind: "user_prompt",
          payload: textToBase64(prompt.text),
          idempotency_key: taskPromptKey(automaton.automaton_id),
          now: host.now(),
          existing_only: true,
        });
        if (!admitted.ok) return { outcome: "error", fail: admitted.message };
        opened = await gate.letOneTurnThrough(
          () => host.drain(),
          () => taskTurnOf(store, automaton),
        );
        if (!opened) return { outcome: "idle" };
      }
      await host.drain();
      const detail = { task_id: target.task_id, tx_id: opened.tx.hash, turn_seq: opened.seq };
      if (store.requireMeta().open_turn_seq === opened.seq) return { outcome: "turn_open", detail };
      const entries = turnEntries(store, opened.seq);
      const done = recordedToolCalls(entries).some(
        (c) => c.proposal.tool === "task_done" && c.execution?.result?.ok === true,
      );
      if (done) return { outcome: "task_done", detail, complete: true };
      const reason = failureReason(entries.at(-1));
      await failTask(host, meta, target, automaton.automaton_id, reason);
      return { outcome: "task_failed", detail: { ...detail, reason }, fail: reason };
    },
  };
}

/** The task's prompt, from its project (a missing task or project is a refusal). */
async function promptOf(
  host: TaskRunHost,
  org: string,
  target: TaskTarget,
): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  const port = host.project(target.project_id);
  const address = { org, project_id: target.project_id };
  const tasks = await port.tasks(address);
  if (!tasks.ok) return { ok: false, message: tasks.message };
  const task = tasks.tasks.find((t) => t.id === target.task_id);
  if (!task) return { ok: false, message: `task ${target.task_id} not found` };
  const specs = await port.specs(address);
  const spec = specs.ok ? specs.specs.find((s) => s.id === task.spec_id) : undefined;
  return { ok: true, text: taskPrompt(task, spec) };
}

/** Why a turn that ended without an accepted `task_done` failed its task. */
export function failureReason(last: RecordEntry | undefined): string {
  const reply = last && isTurnReply(last) ? base64ToText(last.tx.payload) : "";
  const said = reply.length > REPLY_NOTE_CHARS ? `${reply.slice(0, REPLY_NOTE_CHARS)}…` : reply;
  return `the turn ended without an accepted task_done${said ? `; its last words: ${said}` : ""}`;
}

/**
 * Marks the task `failed` with `reason` in its notes (a `ready` task is started first, as
 * the status machine asks). Each change has a key of this automaton, so a resumed tick
 * changes nothing twice.
 */
async function failTask(
  host: TaskRunHost,
  meta: { org: string; agent_id: string },
  target: TaskTarget,
  automatonId: string,
  reason: string,
): Promise<void> {
  const ctx = {
    ...meta,
    project_id: target.project_id,
    project: host.project(target.project_id),
    now: host.now,
  };
  const tasks = await ctx.project.tasks({ org: meta.org, project_id: target.project_id });
  const task = tasks.ok ? tasks.tasks.find((t) => t.id === target.task_id) : undefined;
  if (!task) return;
  await recordFailure(ctx, task, reason, `automaton:${automatonId}`);
}
