import { recordedToolCalls } from "../../src/agent/recorded-tool-calls.js";
import type { AutomatonState } from "../../src/automaton/automaton-state.js";
import { taskOfDevLoopKey } from "../../src/automaton/dev-loop-plan.js";
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
 * True for a prompt an automaton's tick admitted: a `user_prompt` under an `automaton:` key
 * with no submitter. A client's `POST /tx` always records its `sub`, so it never passes for one.
 */
function isAutomatonPrompt(tx: Transaction): boolean {
  const key = tx.idempotency_key;
  return (
    tx.tx_type === "user_prompt" &&
    tx.sub === undefined &&
    key !== undefined &&
    key.startsWith("automaton:")
  );
}

/**
 * The task a turn carries out, from its prompt: a `task-run` agent's task (its prompt under
 * the automaton's `:task-run` key), or the task a `dev-loop` tick named in its prompt's key.
 * Undefined for every other turn.
 *
 * @example
 * taskOfTurn(meta.settings, inbound.tx); // { project_id, task_id }
 */
export function taskOfTurn(settings: AgentSettings, tx: Transaction): TaskTarget | undefined {
  if (!isAutomatonPrompt(tx) || settings.project_id === undefined) return undefined;
  const key = tx.idempotency_key ?? "";
  if (settings.task_run !== undefined && key.endsWith(":task-run")) {
    return taskTargetOf(settings);
  }
  const devLoopTask = settings.dev_loop === undefined ? undefined : taskOfDevLoopKey(key);
  return devLoopTask === undefined
    ? undefined
    : { project_id: settings.project_id, task_id: devLoopTask };
}

/**
 * The prompt entry admitted under `key` since the automaton was installed, once committed.
 *
 * @example
 * const opened = promptUnderKey(store, automaton, devLoopPromptKey(id, tick, taskId));
 */
export function promptUnderKey(
  store: AgentStore,
  automaton: Pick<AutomatonState, "installed_seq">,
  key: string,
): RecordEntry | undefined {
  const head = store.requireMeta().head_seq;
  return store
    .entriesOfTypes(["user_prompt"], automaton.installed_seq, head + 1)
    .find((e) => e.tx.idempotency_key === key && isAutomatonPrompt(e.tx));
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
  return promptUnderKey(store, automaton, taskPromptKey(automaton.automaton_id));
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
 * The tools of the turn at `turnSeq`: a task turn (its prompt admitted by a `task-run` or
 * `dev-loop` tick, see {@link taskOfTurn}) gets the engine tools for its task, with its
 * progress folded from what the turn already recorded; any other turn keeps `tools` as they are.
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
  const [inbound, ...rest] = turnEntries(store, turnSeq);
  const target = inbound && taskOfTurn(meta.settings, inbound.tx);
  if (!target) return tools;
  return withEngineTools(tools, {
    org: meta.org,
    agent_id: meta.agent_id,
    ...target,
    now: () => Date.now(),
    project: project(target.project_id),
    progress: progressOf(recordedToolCalls(rest)),
  });
}
