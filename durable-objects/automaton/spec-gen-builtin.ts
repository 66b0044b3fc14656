import type { AutomatonState } from "../../src/automaton/automaton-state.js";
import {
  type GeneratedSpec,
  MAX_REQUIREMENTS_CHARS,
  parseSpecsAnswer,
  specGenPrompt,
  specGenPromptKey,
  specGenRetryPrompt,
} from "../../src/automaton/spec-gen.js";
import { type KeptSpec, replacementPlan } from "../../src/automaton/spec-gen-plan.js";
import { base64ToText, textToBase64 } from "../../src/core/base64.js";
import type { Result } from "../../src/core/errors.js";
import type { RecordEntry } from "../../src/core/record.js";
import type { Spec } from "../../src/protocol/projects.js";
import type { AdmitInput } from "../agent/admission.js";
import type { AgentStore } from "../agent/agent-store.js";
import type { ProjectPort } from "../agent/domain-tools.js";
import type { Builtin, TickContext, TickResult } from "./builtin.js";
import { isTurnReply, type TickTurnGate } from "./chat-builtin.js";
import { execute } from "./engine-tools.js";
import { type SpecGenTarget, specGenTargetOf, type WorkspaceRead } from "./spec-gen-workspace.js";
import { promptUnderKey, turnEntries } from "./task-run-turn.js";

export { readWorkspaceFile } from "./spec-gen-workspace.js";

/** What `spec-gen` needs from the agent's object. */
export interface SpecGenHost {
  store: AgentStore;
  gate: TickTurnGate;
  /** Runs the agent's drain (or joins the one running) to its end. */
  drain(): Promise<void>;
  /** Admits a transaction to this agent (the object's own `admit`). */
  admit(input: AdmitInput): Promise<Result<{ tx_id: string; duplicate: boolean }>>;
  /** The object of one project of the agent's org. */
  project(projectId: string): ProjectPort;
  /** Reads a file of the agent's workspace (the project's, for an agent made for spec-gen). */
  readFile(path: string): Promise<WorkspaceRead>;
  now(): number;
}

/** Where a tick stands: a turn of its own that has ended, or what to record now. */
type Turn =
  | { type: "ended"; entry: RecordEntry; reply: string }
  | { type: "stop"; result: TickResult };

/**
 * `spec-gen`: one job, done by the first tick. It reads the requirements file from the
 * project's workspace, admits a prompt holding its text under a key of this automaton, lets
 * that one turn through and parses the reply ({@link parseSpecsAnswer}). A malformed answer
 * is asked for once more (a second prompt, its own key, naming what was wrong); a second
 * malformed one fails the automaton with the reason. A good answer replaces the project's
 * specs ({@link replacementPlan}) and completes it.
 *
 * Everything a resumed tick needs is in the record: each prompt is found by its key (the file
 * is not read again once the prompt is there), each reply is the turn's recorded `agent_msg`,
 * and each project change has a key of this automaton, so nothing is asked or applied twice.
 *
 * @example
 * const specGen = specGenBuiltin({ store, gate, drain, admit, project, readFile, now: Date.now });
 * await specGen.tick({ automaton, tick: 1, startSeq: 9, resumed: false });
 */
export function specGenBuiltin(host: SpecGenHost): Builtin {
  return {
    kind: "spec-gen",
    holdsTurns: true,
    hasWork: () => false,
    async tick({ automaton }: TickContext): Promise<TickResult> {
      const target = specGenTargetOf(host.store.requireMeta().settings);
      if (!target) {
        return { outcome: "no_requirements", fail: "spec-gen runs only in an agent made for it" };
      }
      const base = { requirements_path: target.requirements_path };
      const first = await turnOf(host, automaton, 1, () => requirementsPrompt(host, target));
      if (first.type === "stop") return first.result;
      const answer = parseSpecsAnswer(first.reply);
      const firstDetail = { ...base, turn_seq: first.entry.seq };
      if (answer.ok) return replaceSpecs(host, automaton, target, answer.specs, firstDetail);
      const retry = await turnOf(host, automaton, 2, async () => ({
        ok: true,
        text: specGenRetryPrompt(answer.reason),
      }));
      if (retry.type === "stop") return retry.result;
      const again = parseSpecsAnswer(retry.reply);
      const detail = { ...base, turn_seq: retry.entry.seq, retried: true };
      if (again.ok) return replaceSpecs(host, automaton, target, again.specs, detail);
      const reason = `the model's answer was malformed twice; the second time: ${again.reason}`;
      return { outcome: "malformed_answer", detail: { ...detail, reason }, fail: reason };
    },
  };
}

type Prompt = { ok: true; text: string } | { ok: false; result: TickResult };

/**
 * The ended turn of the automaton's prompt `attempt`: found by its key in the record, or
 * admitted (its text from `prompt`, asked only then) and let through the gate. A turn still
 * open (parked for an approval) stops the tick as `turn_open`; the next tick judges it.
 */
async function turnOf(
  host: SpecGenHost,
  automaton: Pick<AutomatonState, "automaton_id" | "installed_seq">,
  attempt: 1 | 2,
  prompt: () => Promise<Prompt>,
): Promise<Turn> {
  const { store, gate } = host;
  const key = specGenPromptKey(automaton.automaton_id, attempt);
  const find = () => promptUnderKey(store, automaton, key);
  let opened = find();
  if (!opened) {
    const meta = store.requireMeta();
    if (meta.status !== "active") return { type: "stop", result: { outcome: "agent_inactive" } };
    const text = await prompt();
    if (!text.ok) return { type: "stop", result: text.result };
    const admitted = await host.admit({
      org: meta.org,
      agent_id: meta.agent_id,
      kind: "user_prompt",
      payload: textToBase64(text.text),
      idempotency_key: key,
      now: host.now(),
      existing_only: true,
    });
    if (!admitted.ok) return { type: "stop", result: { outcome: "error", fail: admitted.message } };
    opened = await gate.letOneTurnThrough(() => host.drain(), find);
    if (!opened) return { type: "stop", result: { outcome: "idle" } };
  }
  await host.drain();
  const detail = { tx_id: opened.tx.hash, turn_seq: opened.seq };
  if (store.requireMeta().open_turn_seq === opened.seq) {
    return { type: "stop", result: { outcome: "turn_open", detail } };
  }
  const last = turnEntries(store, opened.seq).at(-1);
  const reply = last && last !== opened && isTurnReply(last) ? base64ToText(last.tx.payload) : "";
  return { type: "ended", entry: opened, reply };
}

/** The first prompt, from the requirements file read now (a missing file fails the automaton). */
async function requirementsPrompt(host: SpecGenHost, target: SpecGenTarget): Promise<Prompt> {
  const path = target.requirements_path;
  const read = await host.readFile(path);
  const stop = (reason: string): Prompt => ({
    ok: false,
    result: {
      outcome: "no_requirements",
      detail: { requirements_path: path, reason },
      fail: reason,
    },
  });
  if (!read.ok) {
    const reason = `requirements file ${path} could not be read: ${read.error}`;
    if (!read.unavailable) return stop(reason);
    // The sandbox did not answer: nothing was read, so a later tick may try again.
    const detail = { requirements_path: path, reason };
    return { ok: false, result: { outcome: "sandbox_unavailable", detail } };
  }
  if (read.content.trim() === "") return stop(`requirements file ${path} is empty`);
  if (read.content.length > MAX_REQUIREMENTS_CHARS) {
    return stop(
      `requirements file ${path} has ${read.content.length} characters, more than the ${MAX_REQUIREMENTS_CHARS} a prompt carries`,
    );
  }
  return { ok: true, text: specGenPrompt(path, read.content) };
}

/**
 * Replaces the project's specs with `specs`, step by step under this automaton's keys, and
 * completes the automaton. A surplus spec tasks reference is kept and named in the detail (a
 * delete refused because a task took the spec meanwhile is kept the same way).
 */
async function replaceSpecs(
  host: SpecGenHost,
  automaton: Pick<AutomatonState, "automaton_id">,
  target: SpecGenTarget,
  specs: GeneratedSpec[],
  detail: Record<string, unknown>,
): Promise<TickResult> {
  const failed = (reason: string): TickResult => ({
    outcome: "specs_failed",
    detail: { ...detail, reason },
    fail: reason,
  });
  const meta = host.store.requireMeta();
  const port = host.project(target.project_id);
  const address = { org: meta.org, project_id: target.project_id };
  const current = await port.specs(address);
  if (!current.ok) return failed(`the project's specs could not be read: ${current.message}`);
  const tasks = await port.tasks(address);
  if (!tasks.ok) return failed(`the project's tasks could not be read: ${tasks.message}`);
  const plan = replacementPlan({
    automaton_id: automaton.automaton_id,
    current: current.specs,
    tasks: tasks.tasks,
    specs,
    now: host.now(),
  });
  const ctx = { ...address, agent_id: meta.agent_id, project: port };
  const kept: KeptSpec[] = [...plan.kept];
  const deleted: string[] = [];
  for (const { key, command } of plan.steps) {
    const done = await execute(ctx, key, command);
    if (command.type === "delete_spec") {
      if (done.ok) deleted.push(command.spec_id);
      else if (done.code === "conflict") kept.push(keptOf(current.specs, command.spec_id, done));
      else return failed(`replacing the specs failed at ${key}: ${done.message}`);
    } else if (!done.ok) {
      return failed(`replacing the specs failed at ${key}: ${done.message}`);
    }
  }
  return {
    outcome: "specs_replaced",
    detail: { ...detail, spec_ids: plan.spec_ids, deleted_spec_ids: deleted, kept },
    complete: true,
  };
}

/** A spec whose delete was refused because tasks reference it (the refusal names them). */
function keptOf(specs: readonly Spec[], specId: string, refusal: { details?: unknown }): KeptSpec {
  const details = refusal.details as { task_ids?: unknown } | undefined;
  const taskIds = Array.isArray(details?.task_ids) ? details.task_ids.map(String) : [];
  return {
    spec_id: specId,
    title: specs.find((s) => s.id === specId)?.title ?? "",
    task_ids: taskIds,
  };
}
