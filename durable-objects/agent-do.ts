import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../src/config.js";
import { fail, type Result } from "../src/core/errors.js";
import type { AgentStatus, RecordEntry } from "../src/core/record.js";
import type {
  AgentHead,
  AgentSettings,
  AgentSummary,
  VerifyReport,
} from "../src/protocol/agents.js";
import type {
  AutomatonCommand,
  AutomatonView,
  CreateAutomatonRequest,
  TaskReadyEvent,
} from "../src/protocol/automatons.js";
import type { ExportInfo, ImportStep } from "../src/protocol/record-export.js";
import type { TxStatus } from "../src/protocol/tx.js";
import { commitFrames } from "../src/session/commit-frames.js";
import {
  type AdmitInput,
  type AgentAddress,
  agentNotFound,
  newAgentMeta,
  ownedMeta,
} from "./agent/admission.js";
import { type AdmitHost, admitTransaction, registerInDirectory } from "./agent/admit.js";
import {
  forkInfoOf,
  headOf,
  recordPage,
  summaryOf,
  txStatusOf,
  verifyOf,
} from "./agent/agent-reads.js";
import { AgentStore } from "./agent/agent-store.js";
import {
  type ApproveInput,
  type PendingApprovalView,
  recordApproval,
  waitingApprovals,
} from "./agent/approval.js";
import { DrainSchedule } from "./agent/drain-schedule.js";
import { type ForkInput, forkInto } from "./agent/fork-into.js";
import type { ForkInfo } from "./agent/fork-source.js";
import { deliverOutbox } from "./agent/outbox-delivery.js";
import { applyImportStep, exportInfoOf } from "./agent/record-transfer.js";
import { SessionHub } from "./agent/session-hub.js";
import { LatestSession } from "./agent/session-of-record.js";
import { streamHostOf } from "./agent/stream-host.js";
import { type StreamHost, StreamSessions } from "./agent/stream-sessions.js";
import type {
  CloseTerminalInput,
  OpenedTerminal,
  OpenTerminalInput,
  TerminalGate,
} from "./agent/terminal-gate.js";
import { closeOwnedTerminal, openOwnedTerminal, terminalGateOf } from "./agent/terminal-rpc.js";
import { TurnHost } from "./agent/turn-host.js";
import { AutomatonRpc } from "./automaton/automaton-rpc.js";
import type { ControlOutcome } from "./automaton/automaton-runtime.js";
import { AutomatonWatch } from "./automaton/automaton-watch.js";
import { agentStub } from "./stubs.js";

export type { AdmitInput, AgentAddress } from "./agent/admission.js";
export type { ApproveInput, PendingApprovalView } from "./agent/approval.js";
export type { ForkInput } from "./agent/fork-into.js";

/** `create`: a new agent with its settings. */
export interface CreateInput extends AgentAddress {
  settings: AgentSettings;
  now: number;
}

/** Keep-alive frames answered by the runtime without waking the object. */
const PING = JSON.stringify({ type: "ping" });
const PONG = JSON.stringify({ type: "pong" });

/**
 * One agent. Owns its record, inbox and metadata in SQLite and runs its turns one at a
 * time: its {@link DrainSchedule} runs one drain at a time (the per-agent queue), started just
 * after admissions, with an alarm armed with every admission so it runs after an eviction.
 * Decisions live in the kernel, `./agent/` and `./automaton/`; this class wires them to
 * storage and the runtime, and its RPC methods delegate to them.
 */
export class AgentDO extends DurableObject<Env> {
  readonly #store: AgentStore;
  readonly #schedule: DrainSchedule;
  readonly #hub: SessionHub;
  readonly #streams: StreamSessions;
  readonly #terminals: TerminalGate;
  /** The latest `session_start`, once read; kept exact by the commit hook. */
  readonly #session = new LatestSession();
  /** The agent's automatons: their runtime, the gate they hold turns with, their calls. */
  readonly #automatons: AutomatonRpc;
  readonly #watch: AutomatonWatch;
  /** The provider, caches and cancel request the agent's turns run with. */
  readonly #turns: TurnHost;
  readonly #admitHost: AdmitHost;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new AgentStore(ctx.storage);
    this.#schedule = new DrainSchedule(ctx.storage, () => this.#drain());
    this.#hub = new SessionHub(ctx);
    this.#terminals = terminalGateOf(env, this.#store, this.#hub, this.#session);
    this.#streams = new StreamSessions(this.#streamHost());
    this.#automatons = new AutomatonRpc({
      storage: ctx.storage,
      store: this.#store,
      drain: () => this.#schedule.now(),
      drainSoon: () => this.#schedule.soon(),
      env,
      admit: (input) => this.admit(input),
    });
    this.#watch = new AutomatonWatch(ctx, this.#store, this.#automatons.runtime);
    this.#hub.tap = (frames) => this.#watch.live(frames);
    this.#turns = new TurnHost({
      env,
      store: this.#store,
      hub: this.#hub,
      session: this.#session,
      turnGate: this.#automatons.turnGate,
    });
    this.#admitHost = {
      env,
      store: this.#store,
      schedule: this.#schedule,
      automatons: this.#automatons.runtime,
      turns: this.#turns,
    };
    this.#store.onCommit = (entries) => this.#afterCommit(entries);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** A `/stream` or `/stream/automaton/:id` upgrade, accepted with the hibernation API. */
  override async fetch(request: Request): Promise<Response> {
    const maxSessions = loadConfig(this.env).maxSessionsPerAgent;
    return this.#watch.acceptUpgrade(request) ?? this.#hub.acceptUpgrade(request, maxSessions);
  }

  /** A frame from a `/stream` client. */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (!this.#watch.receive(ws, message)) await this.#streams.receive(ws, message);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.#hub.closed(ws, { code, reason });
  }

  override async webSocketError(): Promise<void> {
    this.#hub.closed();
  }

  /** Creates the agent; a second call for an existing agent is a conflict. */
  async create(input: CreateInput): Promise<Result<{ agent_id: string }>> {
    if (this.#store.meta()) return fail("conflict", `agent ${input.agent_id} already exists`);
    this.#store.create(newAgentMeta(input, input.settings, loadConfig(this.env).windowSize));
    await this.#register();
    return { ok: true, agent_id: input.agent_id };
  }

  /** Admits a client transaction (see {@link admitTransaction}). */
  admit(input: AdmitInput): Promise<Result<{ tx_id: string; duplicate: boolean }>> {
    return admitTransaction(this.#admitHost, input);
  }

  /**
   * Becomes a fork of `source_agent_id` at `at_seq`: entries `1..at_seq` copied verbatim
   * (verified while copying), then the metadata row with the head there. A turn the prefix
   * leaves unfinished is finished from what it recorded.
   */
  async forkFrom(input: ForkInput): Promise<Result<{ agent_id: string }>> {
    if (this.#store.meta()) return fail("conflict", `agent ${input.agent_id} already exists`);
    const forked = await forkInto(this.env, this.#store, input);
    if (!forked.ok) return forked;
    if (forked.openTurn) this.#schedule.wake();
    await this.#register();
    return { ok: true, agent_id: input.agent_id };
  }

  /** What a fork at `atSeq` needs from this agent: its settings and window. */
  forkInfo(address: AgentAddress, atSeq: number): Result<ForkInfo> {
    return forkInfoOf(this.#store, address, atSeq);
  }

  /** One step of an import into this new agent (`./agent/record-transfer.ts`). */
  async importStep(step: ImportStep): Promise<Result<{ agent_id: string }>> {
    const done = await applyImportStep(this.ctx.storage, this.#store, step);
    if (!done.ok || step.type !== "finish") return done;
    if (step.open_turn_seq !== null) this.#schedule.armAlarm();
    await this.#register();
    if (step.open_turn_seq !== null) this.#schedule.soon();
    return done;
  }

  /** What an export's header says of this agent: its settings, window and head. */
  exportInfo(address: AgentAddress): Result<ExportInfo> {
    return exportInfoOf(this.#store, address);
  }

  /** The head of the record. */
  head(address: AgentAddress): Result<AgentHead> {
    return headOf(this.#store, address);
  }

  /** One row of the org's agent list. */
  summary(address: AgentAddress): Result<AgentSummary> {
    return summaryOf(this.#store, address);
  }

  /** Entries `from_seq…`, at most `limit` (the caller clamps it), as a JSON array text. */
  record(address: AgentAddress, fromSeq: number, limit: number): Result<{ json: string }> {
    return recordPage(this.#store, address, fromSeq, limit);
  }

  /**
   * Where a transaction is: `pending` while queued or while the turn it started is still
   * running (then with its seq), `processed` once done, `failed` if its turn failed.
   */
  txStatus(address: AgentAddress, txId: string): Result<TxStatus> {
    return txStatusOf(this.#store, address, txId);
  }

  metrics(address: AgentAddress) {
    return this.#store.metrics.snapshot(address);
  }

  /** Re-folds the whole record and reports the first entry that does not verify. */
  verify(address: AgentAddress): Result<{ report: VerifyReport }> {
    return verifyOf(this.#store, address);
  }

  /** The tool calls the agent's open turn waits on, then the terminals waiting, oldest first. */
  approvals(address: AgentAddress): Result<{ approvals: PendingApprovalView[] }> {
    if (!ownedMeta(this.#store, address)) return agentNotFound(address.agent_id);
    return {
      ok: true,
      approvals: [...waitingApprovals(this.#store), ...this.#terminals.pending()],
    };
  }

  /**
   * Answers a tool call the agent's open turn is parked on: records the person's decision as
   * an `action_result` entry of the turn, then resumes the turn, which runs or refuses the call.
   * A terminal waiting for approval is answered the same way (see {@link openTerminal}).
   */
  async approve(input: ApproveInput): Promise<Result<{ seq: number }>> {
    if (!ownedMeta(this.#store, input)) return agentNotFound(input.agent_id);
    const terminal = this.#terminals.answer(input);
    if (terminal) return terminal;
    // One writer: wait for a running drain, then decide and commit without yielding.
    await this.#schedule.idle();
    const decided = recordApproval(this.#store, input, Date.now());
    if (!decided.ok) return decided;
    this.#schedule.wake();
    return decided;
  }

  /**
   * A terminal in the agent's workspace, asked for by `sub`: decided by the agent's policy for
   * the `terminal` tool (asking watchers when it needs approval) and recorded either way;
   * `forbidden` when refused.
   */
  async openTerminal(input: OpenTerminalInput): Promise<Result<OpenedTerminal>> {
    return openOwnedTerminal(this.#store, this.#terminals, input);
  }

  /** Records how a terminal {@link openTerminal} opened ended. */
  closeTerminal(input: CloseTerminalInput): Result<{ seq: number }> {
    return closeOwnedTerminal(this.#store, this.#terminals, input);
  }

  /** Pauses (admits, does not process) or resumes the agent. */
  setStatus(
    address: AgentAddress,
    status: "active" | "paused",
  ): Result<{ agent_id: string; status: AgentStatus }> {
    const meta = ownedMeta(this.#store, address);
    if (!meta) return agentNotFound(address.agent_id);
    if (meta.status === "dead") return fail("agent_dead", `agent ${meta.agent_id} is dead`);
    if (meta.status !== status) {
      this.#store.setStatus(status);
      if (status === "active") {
        this.#schedule.wake();
      }
    }
    return { ok: true, agent_id: meta.agent_id, status };
  }

  /** The durable wake-up: finishes registration and drains whatever is queued. */
  override async alarm(): Promise<void> {
    this.#schedule.alarmFired();
    if (!this.#store.meta()) return;
    await this.#register();
    await this.#schedule.now();
    await this.#automatons.runtime.pump();
  }

  /** Installs and starts an automaton run by this agent (`automaton_id` starts with its id). */
  createAutomaton(
    address: AgentAddress,
    input: CreateAutomatonRequest & { automaton_id: string },
  ): Result<AutomatonView> {
    return this.#automatons.create(address, input);
  }

  /** Every automaton of this agent, finished ones too, with its recorded status. */
  automatons(address: AgentAddress): Result<{ automatons: AutomatonView[] }> {
    return this.#automatons.list(address);
  }

  /** One automaton of this agent, as recorded. */
  automaton(address: AgentAddress, id: string): Result<AutomatonView> {
    return this.#automatons.get(address, id);
  }

  /** The runtime's entries about one automaton, as a JSON array text. */
  automatonRecord(address: AgentAddress, id: string): Result<{ json: string }> {
    return this.#automatons.record(address, id);
  }

  /** Pauses, resumes or stops an automaton (a recorded transition, or 409 naming what is allowed). */
  controlAutomaton(
    address: AgentAddress,
    id: string,
    command: AutomatonCommand,
  ): Result<ControlOutcome> {
    return this.#automatons.control(address, id, command);
  }

  /** A project's `task_ready` event for an automaton subscribed to it (admitted as a trigger). */
  deliverTaskReady(address: AgentAddress, automatonId: string, event: TaskReadyEvent) {
    return this.#automatons.deliverTaskReady(address, automatonId, event);
  }

  /** Begins a tick of a running automaton now (`on_demand`); its work follows. */
  tickAutomaton(
    address: AgentAddress,
    id: string,
  ): Promise<Result<{ automaton_id: string; tick: number }>> {
    return this.#automatons.tick(address, id);
  }

  /** Delivers messages owed to other agents; what is still owed waits for the alarm. */
  async #deliverOutbox(): Promise<void> {
    const meta = this.#store.meta();
    if (!meta) return;
    const done = await deliverOutbox(
      this.#store,
      (input) => agentStub(this.env, meta.org, input.agent_id).admit(input),
      () => Date.now(),
    );
    if (!done) this.#schedule.armAlarm();
  }

  /** One drain: the inbox in order, then what is owed to other agents. */
  async #drain(): Promise<void> {
    await this.#turns.drainInbox();
    await this.#deliverOutbox();
  }

  /** Keeps the session cache exact and tells watchers what was committed. */
  #afterCommit(entries: readonly RecordEntry[]): void {
    this.#session.observe(entries);
    this.#automatons.runtime.observe(entries);
    this.#watch.observe(entries);
    if (this.#hub.hasSockets()) this.#hub.broadcast(commitFrames(entries));
  }

  #streamHost(): StreamHost {
    return streamHostOf({
      env: this.env,
      store: this.#store,
      hub: this.#hub,
      createAgent: (meta) =>
        this.create({ org: meta.org, agent_id: meta.agent_id, settings: {}, now: Date.now() }),
      admit: (input) => this.admit(input),
      approve: (input) => this.approve(input),
      terminalRequests: () => this.#terminals.pending().map((p) => p.tool_use_id),
      cancel: (turnSeq) => this.#turns.cancel(turnSeq),
    });
  }

  #register(): Promise<void> {
    return registerInDirectory(this.#admitHost);
  }
}
