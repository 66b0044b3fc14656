import type { LoopEventSink } from "../../src/agent/events.js";
import { runAgentLoop } from "../../src/agent/loop.js";
import type { ContextMeasure, LoopResult, LoopSettings } from "../../src/agent/loop-types.js";
import { decodeReasoning, type ReasoningRecord } from "../../src/agent/reasoning-record.js";
import {
  type RecordedToolCall,
  recordedApproval,
  recordedToolCalls,
} from "../../src/agent/recorded-tool-calls.js";
import { TurnSuspension } from "../../src/agent/tool-executor.js";
import { textToBase64 } from "../../src/core/base64.js";
import { canonicalJson } from "../../src/core/canonical-json.js";
import {
  type RecordEntry,
  startsTurnType,
  type Transaction,
  type TxType,
} from "../../src/core/record.js";
import type { Policy } from "../../src/kernel/policy.js";
import { EMPTY_OUTCOME, type StepOutcome } from "../../src/kernel/step.js";
import { derivedTransaction } from "../../src/kernel/tx-hash.js";
import { monitoredRun, outcomeOf, type TurnMonitor, type TurnRun } from "../../src/log/turn-end.js";
import { type AgentMessage, inboundTurnText } from "../../src/protocol/agent-message.js";
import type { TurnTrace } from "../../src/protocol/tx.js";
import type { ModelCallContext, ModelProvider, ToolDefinition } from "../../src/reasoner/types.js";
import type { SessionStartRecord } from "../../src/session/session-record.js";
import type { ArgsCheck } from "../../src/tools/validate-args.js";
import type { AgentStore, CommitItem, CommitOptions } from "./agent-store.js";
import { type ConversationCache, type ReadTurns, usageBeforeTurn } from "./conversation.js";
import { RecordingModelGateway } from "./model-gateway.js";
import type { OutboxMessage } from "./outbox-table.js";
import { RecordingToolGateway, type ToolDispatch } from "./tool-gateway.js";

/** What the runner works with: the agent's store, its model, its tools and its clock. */
export interface RunnerHost {
  store: AgentStore;
  /** The conversation of earlier turns, cached across turns of this object instance. */
  conversation: ConversationCache;
  provider: ModelProvider;
  /** What the turn at `turnSeq` runs with: its session, if any, and its tools. */
  turnSetup(turnSeq: number): TurnSetup;
  now(): number;
  /** The JWT of the caller whose transaction started a turn, while this instance holds it. */
  callerJwt(txId: string): string | undefined;
  /** Live events of the running turn, for watchers. */
  onEvent?: LoopEventSink;
  /** True once a watcher asked to cancel the turn at `turnSeq`. */
  isCancelled?(turnSeq: number): boolean;
  /** Holds turn-starting transactions in the inbox until it allows one (an automaton's ticks). */
  turnGate?: TurnGate;
  /** Told how each run of a turn ended, for the log; nothing it sees reaches the record. */
  monitor?: TurnMonitor;
}

/** Whether the drain may open the next turn now; told when it opened one. */
export interface TurnGate {
  mayOpen(): boolean;
  opened(): void;
}

/** The tools a turn offers the model, the policy over them, and how calls are checked and run. */
export interface TurnTools {
  definitions: ToolDefinition[];
  policy: Policy;
  validate(tool: string, input: unknown): ArgsCheck;
  dispatch: ToolDispatch;
}

/** The session and tools a turn runs with. */
export interface TurnSetup {
  /** The latest `session_start` before the turn, and its seq. */
  session?: { seq: number; record: SessionStartRecord };
  tools: TurnTools;
}

/** Queued transactions committed per storage transaction while no turn runs. */
const BATCH = 64;

/** True when an admitted transaction starts an agent turn ({@link startsTurnType}). */
export function startsTurn(tx: Transaction): boolean {
  return startsTurnType(tx.tx_type);
}

/** The idempotency key a spawned child's task is admitted with. */
export function spawnTaskKey(spawnTx: string): string {
  return `spawn:${spawnTx}`;
}

/**
 * Drains the agent's inbox in admission order, finishing any open turn first. Transactions
 * that start no turn are committed in batches; one that starts a turn closes its batch and
 * its turn runs before anything after it. Returns when the inbox is empty or the agent is
 * not active.
 */
export async function drainInbox(host: RunnerHost): Promise<void> {
  const { store } = host;
  for (;;) {
    const meta = store.requireMeta();
    if (meta.status !== "active") return;
    if (meta.open_turn_seq !== null) {
      await continueTurn(host, meta.open_turn_seq);
      if (store.requireMeta().open_turn_seq !== null) return;
      continue;
    }
    if (store.queuedCount() === 0) return;
    const queued = store.queued(BATCH);
    if (queued.length === 0) return;
    const turnAt = queued.findIndex(startsTurn);
    const held = turnAt !== -1 && host.turnGate?.mayOpen() === false;
    if (held && turnAt === 0) return;
    const batch = turnAt === -1 ? queued : queued.slice(0, held ? turnAt : turnAt + 1);
    if (turnAt !== -1 && !held) host.turnGate?.opened();
    store.commit(
      batch.map((tx) => ({
        tx,
        outcome: EMPTY_OUTCOME,
        options: { dequeue: true, turn: startsTurn(tx) ? "open" : "close" },
      })),
    );
  }
}

/**
 * Runs (or resumes) the turn started by the entry at `turnSeq` through the agent loop, with a
 * recording model gateway: model calls the turn already recorded are answered from the
 * record, so resuming never calls the model again for recorded work. Everything decided
 * between two real model calls is committed in one storage transaction — a model's answer
 * together with the reply it leads to — and always before the next real call.
 */
async function continueTurn(host: RunnerHost, turnSeq: number): Promise<void> {
  const [inbound, ...rest] = host.store.entriesFrom(turnSeq);
  if (!inbound) throw new Error(`open turn at seq ${turnSeq} has no entry`);
  const turn: TurnProgress = {
    host,
    inbound,
    index: rest.length + 1,
    pending: [],
    committed: [],
  };
  await monitoredRun(
    host.monitor,
    inbound,
    () => [...rest, ...turn.committed],
    () => runTurn(turn, turnSeq, rest),
  );
}

/** The body of {@link continueTurn}: the turn's loop over what it recorded (`rest`). */
async function runTurn(
  turn: TurnProgress,
  turnSeq: number,
  rest: readonly RecordEntry[],
): Promise<TurnRun> {
  const { host, inbound } = turn;
  const { store } = host;
  const recorded = recordedTurn(rest);
  const setup = host.turnSetup(turnSeq);
  const mayProceed = () => store.requireMeta().status === "active";
  // While the loop replays what the turn recorded, watchers already saw its events: only the
  // turn's end (and error) is new. The first call the record does not answer ends the replay.
  let replaying = recorded.reasoning.length + recorded.tools.length > 0;
  const onLive = () => {
    replaying = false;
  };
  const onEvent = host.onEvent;
  const forward: LoopEventSink | undefined = onEvent
    ? (event) => {
        if (!replaying || event.type === "assistant_message_end" || event.type === "error") {
          onEvent(event);
        }
      }
    : undefined;
  const gateway = new RecordingModelGateway({
    provider: host.provider,
    recorded: recorded.reasoning,
    record: (reasoning) =>
      stage(turn, "reasoning", textToBase64(canonicalJson(reasoning)), KEEP_TURN),
    flush: () => flush(turn),
    mayCall: mayProceed,
    onLive,
  });
  const tools = new RecordingToolGateway({
    policy: setup.tools.policy,
    validate: setup.tools.validate,
    recorded: recorded.tools,
    approvedThisSession: (tool) => approvedBefore(host, tool, setup.session?.seq ?? 1),
    propose: (proposal) =>
      stage(turn, "tool_proposal", textToBase64(canonicalJson(proposal)), KEEP_TURN).hash,
    executed: (execution) => {
      stage(turn, "tool_execution", textToBase64(canonicalJson(execution)), KEEP_TURN);
    },
    flush: () => flush(turn),
    mayDispatch: mayProceed,
    onLive,
    dispatch: setup.tools.dispatch,
  });
  const readTurns: ReadTurns = (fromSeq, beforeSeq) =>
    store.entriesOfTypes(CONVERSATION_TYPES, fromSeq, beforeSeq);
  const usedBefore = usageBeforeTurn(store.metrics.read(), recorded.reasoning);
  let result: LoopResult;
  try {
    result = await runAgentLoop(
      {
        settings: loopSettings(host, setup, usedBefore.input_tokens + usedBefore.output_tokens),
        usage_baseline: usedBefore,
        ...measuredInput(host.conversation.measuredBefore(turnSeq, readTurns)),
        conversation: host.conversation.before(turnSeq, readTurns),
        user_message: inboundTurnText(inbound.tx),
        message_id: inbound.tx.hash,
      },
      {
        provider: gateway,
        tools,
        context: callContext(host, inbound, setup.session?.record),
        ...(forward ? { onEvent: forward } : {}),
        ...(host.isCancelled ? { isCancelled: () => host.isCancelled?.(turnSeq) === true } : {}),
      },
    );
  } catch (err) {
    if (!(err instanceof TurnSuspension)) throw err;
    flush(turn);
    return { outcome: "suspended" };
  }
  if (!mayProceed()) {
    // Paused while the model answered: keep what was recorded; the reply comes on resume.
    flush(turn);
    return { outcome: "paused", result };
  }
  const options: CommitOptions = { dequeue: false, turn: "close" };
  if (result.error)
    options.failure = {
      txId: inbound.tx.hash,
      error: `${result.error.code}: ${result.error.message}`,
    };
  const reply = stage(turn, "agent_msg", textToBase64(replyText(result)), options, {
    ...EMPTY_OUTCOME,
    proposals: { proposals: [], trace: turnTrace(result) },
  });
  const parent = store.requireMeta().settings.parent;
  if (parent && inbound.tx.idempotency_key === spawnTaskKey(parent.spawn_tx)) {
    options.outbox = taskResultFor(parent, inbound.tx.agent_id, reply, replyText(result));
  }
  flush(turn);
  const turnEntries = [inbound, ...rest, ...turn.committed];
  host.conversation.append(turnSeq, turnEntries, (turnEntries.at(-1)?.seq ?? turnSeq) + 1);
  return { outcome: outcomeOf(result), result };
}

function measuredInput(measure: ContextMeasure | undefined): { context_measured?: ContextMeasure } {
  return measure ? { context_measured: measure } : {};
}

/** Entry types a conversation is rebuilt from. */
const CONVERSATION_TYPES = [
  "session_start",
  "user_prompt",
  "agent_msg",
  "reasoning",
  "tool_execution",
];

const KEEP_TURN: CommitOptions = { dequeue: false, turn: "keep" };

/** What an open turn recorded so far: its model calls, and its tool calls with their answers. */
function recordedTurn(entries: readonly RecordEntry[]): {
  reasoning: ReasoningRecord[];
  tools: RecordedToolCall[];
} {
  const reasoning = entries
    .filter((e) => e.tx.tx_type === "reasoning")
    .map((e) => decodeReasoning(e.tx.payload));
  return { reasoning, tools: recordedToolCalls(entries) };
}

/**
 * Whether a person approved `tool` in an answer recorded since the agent's session began at
 * `fromSeq` (`ask_once` approvals last for the session). Only answers the kernel recorded
 * count ({@link recordedApproval}); a client's look-alike `action_result` never does.
 */
function approvedBefore(host: RunnerHost, tool: string, fromSeq: number): boolean {
  const head = host.store.requireMeta().head_seq;
  return host.store.entriesOfTypes(["action_result"], fromSeq, head + 1).some((e) => {
    const approval = recordedApproval(e.tx);
    return approval?.approved === true && approval.tool === tool;
  });
}

/** The message owed to a spawning parent once the child's task turn ends. */
function taskResultFor(
  parent: { agent_id: string; spawn_tx: string },
  self: string,
  reply: Transaction,
  text: string,
): OutboxMessage {
  const message: AgentMessage = { kind: "task_result", from_agent_id: self, content: text };
  return {
    key: `task_result:${reply.hash}`,
    target_agent_id: parent.agent_id,
    payload: textToBase64(canonicalJson(message)),
    reference_tx_hash: parent.spawn_tx,
  };
}

/**
 * What the turn's reply entry records about the turn in `proposals.trace`: why it stopped,
 * the files its tool calls changed and the tokens it used — all derived from the entries
 * before it, kept with the reply so a reader needs no second pass over the turn.
 */
function turnTrace(result: LoopResult): TurnTrace {
  const trace: TurnTrace = {
    turn: {
      stop_reason: result.stop_reason,
      files_changed: result.files_changed,
      usage: { input_tokens: result.usage.input_tokens, output_tokens: result.usage.output_tokens },
    },
  };
  if (result.error) trace.turn.error = { code: result.error.code, message: result.error.message };
  return trace;
}

/** The reply recorded as the turn's `agent_msg`: the final text, or why the turn stopped. */
function replyText(result: LoopResult): string {
  if (result.error) return `error: ${result.error.message}`;
  return result.final_text;
}

/**
 * Who the turn's model calls are for (proxy mode sends it as `X-Aura-*` headers): the agent,
 * or the billing ids its latest session recorded, in the token's org; the caller's JWT when
 * this instance still holds it.
 */
function callContext(
  host: RunnerHost,
  inbound: RecordEntry,
  session: SessionStartRecord | undefined,
): ModelCallContext {
  const context: ModelCallContext = {
    agent_id: session?.aura_agent_id ?? inbound.tx.agent_id,
    org_id: host.store.requireMeta().org,
  };
  if (session?.aura_session_id !== undefined) context.session_id = session.aura_session_id;
  const jwt = host.callerJwt(inbound.tx.hash);
  if (jwt !== undefined) context.jwt = jwt;
  return context;
}

/**
 * The loop's settings: the agent's, overlaid by its session's, with what is left of its credit
 * budget, if it has one.
 */
function loopSettings(host: RunnerHost, setup: TurnSetup, tokensUsed: number): LoopSettings {
  const { settings } = host.store.requireMeta();
  const session = setup.session?.record;
  const loop: LoopSettings = {
    model: session?.model ?? settings.model ?? host.provider.defaultModel,
    tools: setup.tools.definitions,
  };
  const system = session?.system_prompt ?? settings.system_prompt;
  if (system !== undefined) loop.system = system;
  if (session?.max_tokens !== undefined) loop.max_tokens = session.max_tokens;
  if (session?.max_turns !== undefined) loop.max_turns = session.max_turns;
  if (session?.temperature !== undefined) loop.temperature = session.temperature;
  if (settings.credit_budget_tokens !== undefined) {
    loop.credit_budget_tokens = Math.max(0, settings.credit_budget_tokens - tokensUsed);
  }
  return loop;
}

/** A turn in progress: its inbound entry, the next derived index, and staged commits. */
interface TurnProgress {
  host: RunnerHost;
  inbound: RecordEntry;
  index: number;
  pending: CommitItem[];
  /** Entries this run of the turn committed, in order. */
  committed: RecordEntry[];
}

/**
 * Stages an entry the kernel generates in a turn, answering the turn's inbound entry, and
 * returns its transaction (whose hash is final once staged).
 */
function stage(
  turn: TurnProgress,
  txType: TxType,
  payload: string,
  options: CommitOptions,
  outcome: StepOutcome = EMPTY_OUTCOME,
): Transaction {
  const tx = derivedTransaction(turn.inbound.tx, turn.index++, txType, payload, turn.host.now());
  turn.pending.push({ tx, outcome, options });
  return tx;
}

/** Commits the staged entries, all in one storage transaction. */
function flush(turn: TurnProgress): void {
  if (turn.pending.length === 0) return;
  turn.committed.push(...turn.host.store.commit(turn.pending));
  turn.pending = [];
}
