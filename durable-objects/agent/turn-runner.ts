import { runAgentLoop } from "../../src/agent/loop.js";
import type { LoopResult, LoopSettings } from "../../src/agent/loop-types.js";
import { decodeReasoning } from "../../src/agent/reasoning-record.js";
import type { ToolExecutor } from "../../src/agent/tool-executor.js";
import { base64ToText, textToBase64 } from "../../src/core/base64.js";
import { canonicalJson } from "../../src/core/canonical-json.js";
import type { RecordEntry, Transaction, TxType } from "../../src/core/record.js";
import { EMPTY_OUTCOME } from "../../src/kernel/step.js";
import { derivedTxHash } from "../../src/kernel/tx-hash.js";
import type { ModelCallContext, ModelProvider } from "../../src/reasoner/types.js";
import type { AgentStore, CommitItem, CommitOptions } from "./agent-store.js";
import type { ConversationCache, ReadTurns } from "./conversation.js";
import { RecordingModelGateway, TurnSuspended } from "./model-gateway.js";

/** What the runner works with: the agent's store, its model and its clock. */
export interface RunnerHost {
  store: AgentStore;
  /** The conversation of earlier turns, cached across turns of this object instance. */
  conversation: ConversationCache;
  provider: ModelProvider;
  now(): number;
  /** The JWT of the caller whose transaction started a turn, while this instance holds it. */
  callerJwt(txId: string): string | undefined;
}

/** Queued transactions committed per storage transaction while no turn runs. */
const BATCH = 64;

/** True when the transaction's arrival starts an agent turn. */
export function startsTurn(tx: Transaction): boolean {
  return tx.tx_type === "user_prompt";
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
    const batch = turnAt === -1 ? queued : queued.slice(0, turnAt + 1);
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
  const { store } = host;
  const [inbound, ...rest] = store.entriesFrom(turnSeq);
  if (!inbound) throw new Error(`open turn at seq ${turnSeq} has no entry`);
  const recorded = rest
    .filter((e) => e.tx.tx_type === "reasoning")
    .map((e) => decodeReasoning(e.tx.payload));
  const readTurns: ReadTurns = (fromSeq, beforeSeq) =>
    store.entriesOfTypes(["user_prompt", "reasoning"], fromSeq, beforeSeq);
  const turn: TurnProgress = {
    host,
    inbound,
    index: rest.length + 1,
    pending: [],
    committed: [],
  };
  const gateway = new RecordingModelGateway({
    provider: host.provider,
    recorded,
    record: (reasoning) =>
      stage(turn, "reasoning", textToBase64(canonicalJson(reasoning)), {
        dequeue: false,
        turn: "keep",
      }),
    flush: () => flush(turn),
    mayCall: () => store.requireMeta().status === "active",
  });
  let result: LoopResult;
  try {
    result = await runAgentLoop(
      {
        settings: loopSettings(host, host.conversation.tokensUsedBefore(turnSeq, readTurns)),
        conversation: host.conversation.before(turnSeq, readTurns),
        user_message: base64ToText(inbound.tx.payload),
        message_id: inbound.tx.hash,
      },
      {
        provider: gateway,
        tools: NO_TOOLS,
        context: callContext(host, inbound),
      },
    );
  } catch (err) {
    if (!(err instanceof TurnSuspended)) throw err;
    flush(turn);
    return;
  }
  if (store.requireMeta().status !== "active") {
    // Paused while the model answered: keep what was recorded; the reply comes on resume.
    flush(turn);
    return;
  }
  const options: CommitOptions = { dequeue: false, turn: "close" };
  if (result.error)
    options.failure = {
      txId: inbound.tx.hash,
      error: `${result.error.code}: ${result.error.message}`,
    };
  stage(turn, "agent_msg", textToBase64(replyText(result)), options);
  flush(turn);
  const turnEntries = [inbound, ...rest, ...turn.committed];
  host.conversation.append(turnSeq, turnEntries, (turnEntries.at(-1)?.seq ?? turnSeq) + 1);
}

/** The reply recorded as the turn's `agent_msg`: the final text, or why the turn stopped. */
function replyText(result: LoopResult): string {
  if (result.error) return `error: ${result.error.message}`;
  return result.final_text;
}

/** Who the turn's model calls are for; the caller's JWT when this instance still holds it. */
function callContext(host: RunnerHost, inbound: RecordEntry): ModelCallContext {
  const context: ModelCallContext = {
    agent_id: inbound.tx.agent_id,
    org_id: host.store.requireMeta().org,
  };
  const jwt = host.callerJwt(inbound.tx.hash);
  if (jwt !== undefined) context.jwt = jwt;
  return context;
}

/** The loop's settings: the agent's, with what is left of its credit budget, if it has one. */
function loopSettings(host: RunnerHost, tokensUsed: number): LoopSettings {
  const { settings } = host.store.requireMeta();
  const loop: LoopSettings = { model: settings.model ?? host.provider.defaultModel };
  if (settings.system_prompt !== undefined) loop.system = settings.system_prompt;
  if (settings.credit_budget_tokens !== undefined) {
    loop.credit_budget_tokens = Math.max(0, settings.credit_budget_tokens - tokensUsed);
  }
  return loop;
}

/** No tools are offered yet: the loop answers any tool call itself with `unknown_tool`. */
const NO_TOOLS: ToolExecutor = {
  execute: () => Promise.reject(new Error("no tool executor is configured")),
};

/** A turn in progress: its inbound entry, the next derived index, and staged commits. */
interface TurnProgress {
  host: RunnerHost;
  inbound: RecordEntry;
  index: number;
  pending: CommitItem[];
  /** Entries this run of the turn committed, in order. */
  committed: RecordEntry[];
}

/** Stages an entry the kernel generates in a turn, answering the turn's inbound entry. */
function stage(turn: TurnProgress, txType: TxType, payload: string, options: CommitOptions): void {
  const cause = turn.inbound.tx;
  const ts_ms = turn.host.now();
  const index = turn.index++;
  const hash = derivedTxHash({
    agent_id: cause.agent_id,
    reference_tx_hash: cause.hash,
    index,
    tx_type: txType,
    payload,
    ts_ms,
  });
  const tx: Transaction = {
    hash,
    agent_id: cause.agent_id,
    ts_ms,
    tx_type: txType,
    payload,
    reference_tx_hash: cause.hash,
  };
  turn.pending.push({ tx, outcome: EMPTY_OUTCOME, options });
}

/** Commits the staged entries, all in one storage transaction. */
function flush(turn: TurnProgress): void {
  if (turn.pending.length === 0) return;
  turn.committed.push(...turn.host.store.commit(turn.pending));
  turn.pending = [];
}
