import { isFinal } from "../../src/automaton/lifecycle.js";
import { workspacePathOf } from "../../src/automaton/workspace-root.js";
import { loadConfig } from "../../src/config.js";
import { textToBase64 } from "../../src/core/base64.js";
import { canonicalJson } from "../../src/core/canonical-json.js";
import type { Result } from "../../src/core/errors.js";
import { fail } from "../../src/core/errors.js";
import { loggerFor } from "../../src/log/env-logger.js";
import { errorFields } from "../../src/log/error-fields.js";
import { projectSub, taskReadyKey } from "../../src/project/task-ready.js";
import type {
  AutomatonCommand,
  AutomatonView,
  CreateAutomatonRequest,
  TaskReadyEvent,
} from "../../src/protocol/automatons.js";
import type { GitRequest, GitResponse } from "../../src/protocol/sandbox.js";
import { sandboxClientOf } from "../../src/tools/sandbox-of-config.js";
import { projectWorkspaceIdOf } from "../../src/tools/workspace-id.js";
import {
  type AdmitInput,
  type AgentAddress,
  agentNotFound,
  ownedMeta,
} from "../agent/admission.js";
import type { AgentStore } from "../agent/agent-store.js";
import { projectStub } from "../stubs.js";
import { wakeAt } from "./alarm-clock.js";
import { automatonEntries } from "./automaton-reads.js";
import { AutomatonRuntime, type ControlOutcome } from "./automaton-runtime.js";
import type { BuiltinRegistry } from "./builtin.js";
import { chatBuiltin, TickTurnGate } from "./chat-builtin.js";
import { devLoopBuiltin } from "./dev-loop-builtin.js";
import { readWorkspaceFile, specGenBuiltin } from "./spec-gen-builtin.js";
import { taskRunBuiltin } from "./task-run-builtin.js";

/** A clone or a commit in the workspace of the agent's project, through the sandbox. */
async function projectGit(env: Env, store: AgentStore, request: GitRequest): Promise<GitResponse> {
  const meta = store.requireMeta();
  const client = sandboxClientOf(loadConfig(env), env);
  if (!client || meta.settings.project_id === undefined) {
    return { ok: false, error: "sandbox_unavailable: no sandbox is configured" };
  }
  const workspace = projectWorkspaceIdOf(meta.org, meta.settings.project_id);
  try {
    return await client.git(workspace, request);
  } catch (err) {
    return { ok: false, error: `sandbox_unavailable: ${(err as Error).message}` };
  }
}

/** What the automatons borrow from the agent's object. */
export interface AutomatonRpcDeps {
  storage: DurableObjectStorage;
  store: AgentStore;
  /** Runs the agent's drain (or joins the one running) to its end. */
  drain(): Promise<void>;
  /** Starts a drain on the next tick: turns an automaton held or released may run. */
  drainSoon(): void;
  /** The Worker's bindings (projects) and the object's own `admit`: `task-run` needs both. */
  env: Env;
  admit(input: AdmitInput): Promise<Result<{ tx_id: string; duplicate: boolean }>>;
}

/**
 * The automatons of one agent's object: the runtime wired to the object's store, alarm and
 * drain (with the `chat` and `task-run` built-ins and the gate they hold turns with), and the object's
 * automaton calls, each for the caller that owns the agent (`not_found` for anyone else).
 *
 * @example
 * const automatons = new AutomatonRpc({ storage: ctx.storage, store, drain, drainSoon, env, admit });
 * automatons.create(address, { automaton_id: `${agentId}-chat`, kind: "chat", schedule });
 * await automatons.runtime.pump(); // in alarm()
 */
export class AutomatonRpc {
  readonly runtime: AutomatonRuntime;
  /** Holds turn-starting transactions for an automaton's ticks while one holds them. */
  readonly turnGate: TickTurnGate;
  readonly #store: AgentStore;
  readonly #admit: AutomatonRpcDeps["admit"];

  constructor(deps: AutomatonRpcDeps) {
    const { storage, store } = deps;
    this.#store = store;
    this.#admit = (input) => deps.admit(input);
    this.turnGate = new TickTurnGate(() => this.runtime.holdsTurns());
    const { env } = deps;
    const taskHost = {
      store,
      gate: this.turnGate,
      drain: () => deps.drain(),
      admit: (input: AdmitInput) => deps.admit(input),
      project: (projectId: string) => projectStub(env, store.requireMeta().org, projectId),
      now: () => Date.now(),
    };
    const builtins: BuiltinRegistry = {
      chat: chatBuiltin({ store, gate: this.turnGate, drain: () => deps.drain() }),
      "task-run": taskRunBuiltin(taskHost),
      "dev-loop": devLoopBuiltin({
        ...taskHost,
        git: (request) => projectGit(env, store, request),
      }),
      "spec-gen": specGenBuiltin({
        store,
        gate: this.turnGate,
        drain: () => deps.drain(),
        admit: (input) => deps.admit(input),
        project: (projectId) => projectStub(env, store.requireMeta().org, projectId),
        readFile: (path) => readWorkspaceFile(env, store.requireMeta(), path),
        now: () => Date.now(),
      }),
    };
    this.runtime = new AutomatonRuntime({
      store,
      builtins,
      now: () => Date.now(),
      wakeAt: (ms) => {
        wakeAt(storage, ms).catch((err: unknown) =>
          loggerFor(env).log("error", "set_alarm_failed", errorFields(err)),
        );
      },
      turnsReleased: () => deps.drainSoon(),
      ended: (state) => {
        const filter = state.schedule.type === "event_driven" ? state.schedule.event_filter : null;
        if (filter === null || !("project_id" in filter)) return;
        const project = { org: store.requireMeta().org, project_id: filter.project_id };
        projectStub(env, project.org, project.project_id)
          .unsubscribeTaskReady(project, state.automaton_id)
          .catch((err: unknown) =>
            loggerFor(env).log("error", "message_delivery_failed", errorFields(err)),
          );
      },
    });
  }

  /** Installs and starts an automaton run by this agent (`automaton_id` starts with its id). */
  create(
    address: AgentAddress,
    input: CreateAutomatonRequest & { automaton_id: string },
  ): Result<AutomatonView> {
    if (!ownedMeta(this.#store, address)) return agentNotFound(address.agent_id);
    if (!input.automaton_id.startsWith(address.agent_id)) {
      return fail("invalid_request", "automaton_id must start with the agent's id");
    }
    const { automaton_id, kind, schedule, workspace_root } = input;
    let workspacePath: string | undefined;
    if (workspace_root !== undefined) {
      const mapped = workspacePathOf(workspace_root);
      if (!mapped.ok) return mapped;
      workspacePath = mapped.path;
    }
    return this.runtime.install(address.agent_id, automaton_id, kind, schedule, workspacePath);
  }

  /** Every automaton of this agent, finished ones too, with its recorded status. */
  list(address: AgentAddress): Result<{ automatons: AutomatonView[] }> {
    if (!ownedMeta(this.#store, address)) return agentNotFound(address.agent_id);
    return { ok: true, automatons: this.runtime.views() };
  }

  /** One automaton of this agent, as recorded. */
  get(address: AgentAddress, id: string): Result<AutomatonView> {
    if (!ownedMeta(this.#store, address)) return agentNotFound(address.agent_id);
    return this.runtime.view(id);
  }

  /** The runtime's entries about one automaton, as a JSON array text. */
  record(address: AgentAddress, id: string): Result<{ json: string }> {
    const found = this.get(address, id);
    if (!found.ok) return found;
    return { ok: true, json: JSON.stringify(automatonEntries(this.#store, id)) };
  }

  /** Pauses, resumes or stops an automaton (a recorded transition, or 409 naming what is allowed). */
  control(address: AgentAddress, id: string, command: AutomatonCommand): Result<ControlOutcome> {
    if (!ownedMeta(this.#store, address)) return agentNotFound(address.agent_id);
    const reason = command === "stop" ? "stopped by request" : undefined;
    return this.runtime.control(id, command, reason);
  }

  /**
   * Admits a project's `task_ready` event for an automaton subscribed to it: a `trigger`
   * under the project's `sub` and a key of the change, so a re-delivery is recorded once and
   * the tick it causes is recorded and replays. `subscribed: false` — the automaton is not
   * here, is final, or no longer listens to that project — tells the project to forget it.
   */
  async deliverTaskReady(
    address: AgentAddress,
    automatonId: string,
    event: TaskReadyEvent,
  ): Promise<Result<{ subscribed: boolean }>> {
    if (!ownedMeta(this.#store, address)) return { ok: true, subscribed: false };
    const view = this.runtime.view(automatonId);
    const filter =
      view.ok && view.schedule.type === "event_driven" ? view.schedule.event_filter : null;
    const listening =
      view.ok &&
      !isFinal(view.status) &&
      filter !== null &&
      "project_id" in filter &&
      filter.project_id === event.project_id;
    if (!listening) return { ok: true, subscribed: false };
    const admitted = await this.#admit({
      ...address,
      kind: "trigger",
      payload: textToBase64(canonicalJson(event)),
      idempotency_key: taskReadyKey(event.project_id, event.project_seq, event.task_id),
      now: Date.now(),
      existing_only: true,
      sub: projectSub(event.project_id),
    });
    if (!admitted.ok) return admitted;
    return { ok: true, subscribed: true };
  }

  /** Begins a tick of a running automaton now (`on_demand`); its work follows. */
  async tick(
    address: AgentAddress,
    id: string,
  ): Promise<Result<{ automaton_id: string; tick: number }>> {
    if (!ownedMeta(this.#store, address)) return agentNotFound(address.agent_id);
    return this.runtime.requestTick(id);
  }
}
