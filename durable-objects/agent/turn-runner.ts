import { nextTurnAction, ReasoningRecord, type TurnSettings } from "../../src/agent/turn.js";
import { base64ToText, textToBase64 } from "../../src/core/base64.js";
import { canonicalJson } from "../../src/core/canonical-json.js";
import type { RecordEntry, Transaction, TxType } from "../../src/core/record.js";
import { EMPTY_OUTCOME, type StepOutcome } from "../../src/kernel/step.js";
import { derivedTxHash } from "../../src/kernel/tx-hash.js";
import type { ModelProvider } from "../../src/reasoner/types.js";
import type { AgentMeta } from "./meta-table.js";

/** What the runner needs from its Durable Object: storage-backed, committed state only. */
export interface RunnerHost {
  /** The current metadata row (status, settings, open turn). */
  meta(): AgentMeta;
  /** The oldest queued transaction. */
  nextQueued(): Transaction | undefined;
  /** Entries from `fromSeq` to the head. */
  entriesFrom(fromSeq: number): RecordEntry[];
  /**
   * Commits one entry atomically with the inbox removal (for queued transactions), the
   * new head and the open-turn marker.
   */
  commit(tx: Transaction, outcome: StepOutcome, options: CommitOptions): RecordEntry;
  provider: ModelProvider;
  now(): number;
}

/** How a commit changes the queue and the open-turn marker. */
export interface CommitOptions {
  /** Remove the transaction from the inbox in the same storage transaction. */
  dequeue: boolean;
  /** `open`: this entry starts a turn; `keep`: a turn stays open; `close`: no turn is open. */
  turn: "open" | "keep" | "close";
  /** Marks the turn's inbound transaction as failed, with this message. */
  failure?: { txId: string; error: string };
}

const DEFAULT_MAX_TOKENS = 16384;

/** Transaction types whose arrival starts an agent turn. */
function startsTurn(tx: Transaction): boolean {
  return tx.tx_type === "user_prompt";
}

/**
 * Drains the agent's inbox, one transaction at a time, finishing any open turn first.
 * Returns when the inbox is empty or the agent is not active.
 */
export async function drainInbox(host: RunnerHost): Promise<void> {
  for (;;) {
    const meta = host.meta();
    if (meta.status !== "active") return;
    if (meta.open_turn_seq !== null) {
      await continueTurn(host, meta.open_turn_seq);
      if (host.meta().open_turn_seq !== null) return;
      continue;
    }
    const tx = host.nextQueued();
    if (!tx) return;
    const opens = startsTurn(tx);
    const entry = host.commit(tx, EMPTY_OUTCOME, { dequeue: true, turn: opens ? "open" : "close" });
    if (opens) await continueTurn(host, entry.seq);
  }
}

/**
 * Runs (or resumes) the turn started by the entry at `turnSeq`, from what the record
 * already holds: recorded model calls are never made again.
 */
async function continueTurn(host: RunnerHost, turnSeq: number): Promise<void> {
  const [inbound, ...rest] = host.entriesFrom(turnSeq);
  if (!inbound) throw new Error(`open turn at seq ${turnSeq} has no entry`);
  const prompt = base64ToText(inbound.tx.payload);
  const recorded = rest
    .filter((e) => e.tx.tx_type === "reasoning")
    .map((e) => ReasoningRecord.parse(JSON.parse(base64ToText(e.tx.payload))));
  let index = rest.length + 1;
  const meta = host.meta();
  const settings: TurnSettings = {
    model: meta.settings.model ?? host.provider.name,
    maxTokens: DEFAULT_MAX_TOKENS,
  };
  if (meta.settings.system_prompt !== undefined) settings.system = meta.settings.system_prompt;

  for (;;) {
    if (host.meta().status !== "active") return;
    const action = nextTurnAction(settings, prompt, recorded);
    if (action.type === "call_model") {
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
      const payload = textToBase64(canonicalJson(record));
      host.commit(derived(host, inbound.tx, index++, "reasoning", payload), EMPTY_OUTCOME, {
        dequeue: false,
        turn: "keep",
      });
      recorded.push(record);
      continue;
    }
    const options: CommitOptions = { dequeue: false, turn: "close" };
    if (action.failed) options.failure = { txId: inbound.tx.hash, error: action.text };
    host.commit(
      derived(host, inbound.tx, index++, "agent_msg", textToBase64(action.text)),
      EMPTY_OUTCOME,
      options,
    );
    return;
  }
}

function derived(
  host: RunnerHost,
  cause: Transaction,
  index: number,
  txType: TxType,
  payload: string,
): Transaction {
  const ts_ms = host.now();
  const hash = derivedTxHash({
    agent_id: cause.agent_id,
    reference_tx_hash: cause.hash,
    index,
    tx_type: txType,
    payload,
    ts_ms,
  });
  return {
    hash,
    agent_id: cause.agent_id,
    ts_ms,
    tx_type: txType,
    payload,
    reference_tx_hash: cause.hash,
  };
}
