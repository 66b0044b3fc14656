import { recordedToolCalls } from "../../src/agent/recorded-tool-calls.js";
import type { AutomatonState } from "../../src/automaton/automaton-state.js";
import { progressOf } from "../../src/automaton/task-run-progress.js";
import type { RecordEntry, Transaction } from "../../src/core/record.js";
import type { AgentSettings } from "../../src/protocol/agents.js";
import type { AgentStore } from "../agent/agent-store.js";
import type { ProjectPort } from "../agent/domain-tools.js";
import type { TurnTools } from "../agent/turn-runner.js";
import { isTurnReply } from "./chat-builtin.js";
import { withEngineTools } from "./engine-tools.js";

/** The task an agent created for a `task-run` carries out, from its settings. */
export interface TaskTarget {
  project_id: string;
  task_id: string;
}

/**
 * The task of an agent's settings, or undefined for an agent not made for one.
 *
 * @example
 * taskTargetOf({ project_id, task_run: { task_id } }); // { project_id, task_id }
 */
export function taskTargetOf(settings: AgentSettings): TaskTarget | undefined {
  if (settings.project_id === undefined || settings.task_run === undefined) return undefined;
  return { project_id: settings.project_id, task_id: settings.task_run.task_id };
}

/**
 * The idempotency key of the prompt a `task-run` automaton's tick admits: one per
 * automaton, so however many ticks run (a duplicated alarm, a resumed tick) it has one turn.
 *
 * @example
 * taskPromptKey(automatonId); // "automaton:<id>:task-run"
 */
export function taskPromptKey(automatonId: string): string {
  return `automaton:${automatonId}:task-run`;
}

/**
 * True for a prompt a `task-run` tick admitted: a `user_prompt` under its key with no
 * submitter. A client's `POST /tx` always records its `sub`, so it never passes for one.
 */
function isTaskPrompt(tx: Transaction): boolean {
  const key = tx.idempotency_key;
  return (
    tx.tx_type === "user_prompt" &&
    tx.sub === undefined &&
    key !== undefined &&
    key.startsWith("automaton:") &&
    key.endsWith(":task-run")
  );
}

/**
 * The prompt entry of an automaton's task turn, once admitted and committed.
 *
 * @example
 * const opened = taskTurnOf(store, automaton);
 */
export function taskTurnOf(
  store: AgentStore,
  automaton: Pick<AutomatonState, "automaton_id" | "installed_seq">,
): RecordEntry | undefined {
  const key = taskPromptKey(automaton.automaton_id);
  const head = store.requireMeta().head_seq;
  return store
    .entriesOfTypes(["user_prompt"], automaton.installed_seq, head + 1)
    .find((e) => e.tx.idempotency_key === key && isTaskPrompt(e.tx));
}

/**
 * The entries of the turn opened at `turnSeq`, up to and including its reply.
 *
 * @example
 * const [inbound, ...rest] = turnEntries(store, opened.seq);
 */
export function turnEntries(store: AgentStore, turnSeq: number): RecordEntry[] {
  const entries = store.entriesFrom(turnSeq);
  const end = entries.findIndex((e, i) => i > 0 && isTurnReply(e));
  return end === -1 ? entries : entries.slice(0, end + 1);
}

/**
 * The tools of the turn at `turnSeq`: a task-run turn (its prompt admitted by a `task-run`
 * tick, in an agent made for a task) gets the engine tools, with its progress folded from
 * what the turn already recorded; any other turn keeps `tools` as they are.
 *
 * @example
 * const tools = taskRunToolsFor(store, turnToolsOf(env, config, meta), turnSeq, (id) => projectStub(env, org, id));
 */
export function taskRunToolsFor(
  store: AgentStore,
  tools: TurnTools,
  turnSeq: number,
  project: (projectId: string) => ProjectPort,
): TurnTools {
  const meta = store.requireMeta();
  const target = taskTargetOf(meta.settings);
  if (!target) return tools;
  const [inbound, ...rest] = turnEntries(store, turnSeq);
  if (!inbound || !isTaskPrompt(inbound.tx)) return tools;
  return withEngineTools(tools, {
    org: meta.org,
    agent_id: meta.agent_id,
    ...target,
    now: () => Date.now(),
    project: project(target.project_id),
    progress: progressOf(recordedToolCalls(rest)),
  });
}
