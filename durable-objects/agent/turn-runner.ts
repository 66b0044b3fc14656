import { nextTurnAction, ReasoningRecord, type TurnSettings } from "../../src/agent/turn.js";
import { base64ToText, textToBase64 } from "../../src/core/base64.js";
import { canonicalJson } from "../../src/core/canonical-json.js";
import type { RecordEntry, Transaction, TxType } from "../../src/core/record.js";
import { EMPTY_OUTCOME } from "../../src/kernel/step.js";
import { derivedTxHash } from "../../src/kernel/tx-hash.js";
import type { ModelProvider } from "../../src/reasoner/types.js";
import type { AgentStore, CommitItem, CommitOptions } from "./agent-store.js";

/** What the runner works with: the agent's store, its model and its clock. */
export interface RunnerHost {
  store: AgentStore;
  provider: ModelProvider;
  now(): number;
}

const DEFAULT_MAX_TOKENS = 16384;

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
 * Runs (or resumes) the turn started by the entry at `turnSeq`, from what the record
 * already holds: recorded model calls are never made again. Everything decided between two
 * model calls is committed in one storage transaction — a model's answer together with the
 * reply it leads to — and always before the next call is made.
 */
async function continueTurn(host: RunnerHost, turnSeq: number): Promise<void> {
  const { store } = host;
  const [inbound, ...rest] = store.entriesFrom(turnSeq);
  if (!inbound) throw new Error(`open turn at seq ${turnSeq} has no entry`);
  const prompt = base64ToText(inbound.tx.payload);
  const recorded = rest
    .filter((e) => e.tx.tx_type === "reasoning")
    .map((e) => ReasoningRecord.parse(JSON.parse(base64ToText(e.tx.payload))));
  const settings = turnSettings(host);
  const turn = { host, inbound, index: rest.length + 1, pending: [] as CommitItem[] };

  for (;;) {
    if (store.requireMeta().status !== "active") {
      flush(turn);
      return;
    }
    const action = nextTurnAction(settings, prompt, recorded);
    if (action.type === "finish") {
      const options: CommitOptions = { dequeue: false, turn: "close" };
      if (action.failed) options.failure = { txId: inbound.tx.hash, error: action.text };
      stage(turn, "agent_msg", textToBase64(action.text), options);
      flush(turn);
      return;
    }
    flush(turn);
    const record: ReasoningRecord = {
      request_digest: action.request_digest,
      provider: host.provider.name,
      model: action.request.model,
    };
    try {
      record.response = await host.provider.complete(action.request);
    } catch (err) {
      record.error = {
        code: "llm_error",
        message: err instanceof Error ? err.message : String(err),
      };
    }
    stage(turn, "reasoning", textToBase64(canonicalJson(record)), { dequeue: false, turn: "keep" });
    recorded.push(record);
  }
}

/** A turn in progress: its inbound entry, the next derived index, and staged commits. */
interface TurnProgress {
  host: RunnerHost;
  inbound: RecordEntry;
  index: number;
  pending: CommitItem[];
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
  turn.host.store.commit(turn.pending);
  turn.pending = [];
}

function turnSettings(host: RunnerHost): TurnSettings {
  const { settings } = host.store.requireMeta();
  const turn: TurnSettings = {
    model: settings.model ?? host.provider.name,
    maxTokens: DEFAULT_MAX_TOKENS,
  };
  if (settings.system_prompt !== undefined) turn.system = settings.system_prompt;
  return turn;
}
