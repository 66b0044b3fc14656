import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../src/config.js";
import { AuraError, type Failure, fail, type Result } from "../src/core/errors.js";
import { hashCanonical, ZERO_HASH } from "../src/core/hash.js";
import type { AgentStatus, ClientTxType, RecordEntry, Transaction } from "../src/core/record.js";
import {
  type ChainState,
  chainStateAt,
  evolve,
  type StepOutcome,
  step,
} from "../src/kernel/step.js";
import { admissionTxHash } from "../src/kernel/tx-hash.js";
import type {
  AgentHead,
  AgentSettings,
  AgentSummary,
  VerifyReport,
} from "../src/protocol/agents.js";
import type { TxStatus } from "../src/protocol/tx.js";
import { selectProvider } from "../src/reasoner/select-provider.js";
import type { ModelProvider } from "../src/reasoner/types.js";
import { isQueued, peekInbox, pushInbox, removeFromInbox } from "./agent/inbox-table.js";
import {
  type AgentMeta,
  insertIdempotency,
  insertMeta,
  insertTxFailure,
  markRegistered,
  selectIdempotency,
  selectMeta,
  selectTxFailure,
  updateAdmissions,
  updateHead,
  updateStatus,
} from "./agent/meta-table.js";
import {
  insertEntry,
  isRowError,
  selectEntries,
  selectWindow,
  seqOfTx,
} from "./agent/record-table.js";
import { migrate } from "./agent/schema.js";
import { type CommitOptions, drainInbox } from "./agent/turn-runner.js";
import { verifyRecord } from "./agent/verify-record.js";
import { directoryStub } from "./directory-do.js";

/** Who is asking, and for which agent: every call names both. */
export interface AgentAddress {
  org: string;
  agent_id: string;
}

/** `create`: a new agent with its settings. */
export interface CreateInput extends AgentAddress {
  settings: AgentSettings;
  now: number;
}

/** `admit`: one client transaction. */
export interface AdmitInput extends AgentAddress {
  kind: ClientTxType;
  payload: string;
  idempotency_key?: string;
  now: number;
}

/**
 * One agent. Owns its record, inbox and metadata in SQLite and runs its turns one at a
 * time (the drain promise is the per-agent queue; the alarm guarantees it runs after
 * eviction). Logic lives in the kernel and in `./agent/`; this class wires them to storage.
 */
export class AgentDO extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  #chain?: ChainState;
  #provider?: ModelProvider;
  #draining?: Promise<void>;
  /** An alarm is known to be pending; a cache (eviction forgets it, which only re-arms). */
  #alarmArmed = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    migrate(this.#sql);
  }

  /** Creates the agent; a second call for an existing agent is a conflict. */
  async create(input: CreateInput): Promise<Result<{ agent_id: string }>> {
    if (selectMeta(this.#sql)) return fail("conflict", `agent ${input.agent_id} already exists`);
    this.ctx.storage.transactionSync(() =>
      insertMeta(this.#sql, this.#newMeta(input, input.settings)),
    );
    await this.#register();
    return { ok: true, agent_id: input.agent_id };
  }

  /**
   * Admits a client transaction: assigns `ts_ms` and its id, queues it and arms the alarm in
   * one storage write, so a transaction acknowledged here is processed even if the object is
   * evicted right after. An unknown agent is created in the caller's org.
   */
  async admit(input: AdmitInput): Promise<Result<{ tx_id: string; duplicate: boolean }>> {
    let meta = selectMeta(this.#sql);
    const created = meta === undefined;
    if (meta === undefined) meta = this.#newMeta(input, {});
    else if (meta.org !== input.org) return notFound(input.agent_id);
    if (meta.status === "dead") return fail("agent_dead", `agent ${input.agent_id} is dead`);

    const digest = hashCanonical({ kind: input.kind, payload: input.payload });
    const key = input.idempotency_key;
    if (key !== undefined) {
      const seen = selectIdempotency(this.#sql, key);
      if (seen) {
        if (seen.request_digest !== digest) {
          return fail(
            "conflict",
            "idempotency_key was already used with a different kind or payload",
          );
        }
        return { ok: true, tx_id: seen.tx_id, duplicate: true };
      }
    }
    const admissions = meta.admissions + 1;
    const tx: Transaction = {
      hash: admissionTxHash({
        agent_id: input.agent_id,
        tx_type: input.kind,
        payload: input.payload,
        ts_ms: input.now,
        admission: admissions,
        ...(key === undefined ? {} : { idempotency_key: key }),
      }),
      agent_id: input.agent_id,
      ts_ms: input.now,
      tx_type: input.kind,
      payload: input.payload,
      ...(key === undefined ? {} : { idempotency_key: key }),
    };
    const newMeta = meta;
    this.ctx.storage.transactionSync(() => {
      if (created) insertMeta(this.#sql, newMeta);
      updateAdmissions(this.#sql, admissions);
      pushInbox(this.#sql, tx);
      if (key !== undefined) insertIdempotency(this.#sql, key, tx.hash, digest);
    });
    // Same synchronous turn as the inbox write: SQLite-backed storage commits both together.
    this.#armAlarm();
    if (created) await this.#register();
    if (meta.status === "active") this.#kick();
    return { ok: true, tx_id: tx.hash, duplicate: false };
  }

  /** The head of the record. */
  head(address: AgentAddress): Result<AgentHead> {
    const meta = this.#owned(address);
    if (!meta.ok) return meta;
    return {
      ok: true,
      agent_id: meta.agent_id,
      head_seq: meta.head_seq,
      head_hash: meta.head_hash,
      status: meta.status,
    };
  }

  /** One row of the org's agent list. */
  summary(address: AgentAddress): Result<AgentSummary> {
    const meta = this.#owned(address);
    if (!meta.ok) return meta;
    return {
      ok: true,
      agent_id: meta.agent_id,
      head_seq: meta.head_seq,
      status: meta.status,
      created_at: meta.created_at,
    };
  }

  /** Entries `from_seq…`, at most `limit` (the caller clamps it), as a JSON array text. */
  record(address: AgentAddress, fromSeq: number, limit: number): Result<{ json: string }> {
    const meta = this.#owned(address);
    if (!meta.ok) return meta;
    const rows = selectEntries(this.#sql, fromSeq, limit);
    const bad = rows.find(isRowError);
    if (bad) return fail("internal", `stored entry ${bad.seq} cannot be read: ${bad.error}`);
    return { ok: true, json: JSON.stringify(rows) };
  }

  /**
   * Where a transaction is: `pending` while queued or while the turn it started is still
   * running (then with its seq), `processed` once done, `failed` if its turn failed.
   */
  txStatus(address: AgentAddress, txId: string): Result<TxStatus> {
    const meta = this.#owned(address);
    if (!meta.ok) return meta;
    if (isQueued(this.#sql, txId)) return { ok: true, tx_id: txId, status: "pending" };
    const seq = seqOfTx(this.#sql, txId);
    if (seq === undefined) return { ok: true, tx_id: txId, status: "unknown" };
    if (meta.open_turn_seq === seq) return { ok: true, tx_id: txId, status: "pending", seq };
    const error = selectTxFailure(this.#sql, txId);
    if (error !== undefined) return { ok: true, tx_id: txId, status: "failed", seq, error };
    return { ok: true, tx_id: txId, status: "processed", seq };
  }

  /** Re-folds the whole record and reports the first entry that does not verify. */
  verify(address: AgentAddress): Result<{ report: VerifyReport }> {
    const meta = this.#owned(address);
    if (!meta.ok) return meta;
    return { ok: true, report: verifyRecord(this.#sql, meta) };
  }

  /** Pauses (admits, does not process) or resumes the agent. */
  setStatus(
    address: AgentAddress,
    status: "active" | "paused",
  ): Result<{ agent_id: string; status: AgentStatus }> {
    const meta = this.#owned(address);
    if (!meta.ok) return meta;
    if (meta.status === "dead") return fail("agent_dead", `agent ${meta.agent_id} is dead`);
    if (meta.status !== status) {
      updateStatus(this.#sql, status);
      if (status === "active") {
        this.#armAlarm();
        this.#kick();
      }
    }
    return { ok: true, agent_id: meta.agent_id, status };
  }

  /** The durable wake-up: finishes registration and drains whatever is queued. */
  override async alarm(): Promise<void> {
    this.#alarmArmed = false;
    const meta = selectMeta(this.#sql);
    if (!meta) return;
    if (!meta.registered) await this.#register();
    await this.#drain();
  }

  #owned(address: AgentAddress): Result<AgentMeta> {
    const meta = selectMeta(this.#sql);
    if (!meta || meta.org !== address.org || meta.agent_id !== address.agent_id)
      return notFound(address.agent_id);
    return { ok: true, ...meta };
  }

  #newMeta(address: AgentAddress & { now: number }, settings: AgentSettings): AgentMeta {
    return {
      agent_id: address.agent_id,
      org: address.org,
      status: "active",
      created_at: address.now,
      settings,
      window_size: loadConfig(this.env).windowSize,
      head_seq: 0,
      head_hash: ZERO_HASH,
      admissions: 0,
      open_turn_seq: null,
      registered: false,
    };
  }

  #armAlarm(): void {
    if (this.#alarmArmed) return;
    this.#alarmArmed = true;
    this.ctx.storage.setAlarm(Date.now()).catch((err: unknown) => {
      this.#alarmArmed = false;
      console.error("setAlarm failed", err);
    });
  }

  /** Starts draining now instead of waiting for the alarm; the alarm still backs it up. */
  #kick(): void {
    this.#drain().catch((err: unknown) => console.error("drain failed", err));
  }

  #drain(): Promise<void> {
    this.#draining ??= drainInbox({
      meta: () => this.#meta(),
      nextQueued: () => peekInbox(this.#sql),
      entriesFrom: (fromSeq) => this.#entriesFrom(fromSeq),
      commit: (tx, outcome, options) => this.#commit(tx, outcome, options),
      provider: this.#providerInstance(),
      now: () => Date.now(),
    }).finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  #meta(): AgentMeta {
    const meta = selectMeta(this.#sql);
    if (!meta) throw new AuraError("internal", "agent metadata missing");
    return meta;
  }

  #entriesFrom(fromSeq: number): RecordEntry[] {
    const rows = selectEntries(this.#sql, fromSeq, 100_000);
    const bad = rows.find(isRowError);
    if (bad)
      throw new AuraError("internal", `stored entry ${bad.seq} cannot be read: ${bad.error}`);
    return rows as RecordEntry[];
  }

  /** Appends one entry, moving the head (and dequeuing) in the same storage transaction. */
  #commit(tx: Transaction, outcome: StepOutcome, options: CommitOptions): RecordEntry {
    const chain = this.#chainState();
    const entry = step(chain, tx, outcome);
    const openTurn =
      options.turn === "open"
        ? entry.seq
        : options.turn === "keep"
          ? this.#meta().open_turn_seq
          : null;
    this.ctx.storage.transactionSync(() => {
      insertEntry(this.#sql, entry);
      updateHead(this.#sql, entry.seq, entry.hash, openTurn);
      if (options.dequeue) removeFromInbox(this.#sql, tx.hash);
      if (options.failure) insertTxFailure(this.#sql, options.failure.txId, options.failure.error);
    });
    this.#chain = evolve(chain, entry);
    return entry;
  }

  /** The chain head and window: the metadata row plus the last `window_size` context hashes. */
  #chainState(): ChainState {
    if (!this.#chain) {
      const meta = this.#meta();
      this.#chain = chainStateAt(
        { seq: meta.head_seq, hash: meta.head_hash },
        selectWindow(this.#sql, meta.window_size),
        meta.window_size,
      );
    }
    return this.#chain;
  }

  #providerInstance(): ModelProvider {
    this.#provider ??= selectProvider(loadConfig(this.env));
    return this.#provider;
  }

  async #register(): Promise<void> {
    const meta = selectMeta(this.#sql);
    if (!meta || meta.registered) return;
    try {
      await directoryStub(this.env, meta.org).register(meta.agent_id, meta.created_at);
      markRegistered(this.#sql);
    } catch (err) {
      console.error("directory registration failed; the alarm retries it", err);
      this.#armAlarm();
    }
  }
}

function notFound(agentId: string): Failure {
  return fail("not_found", `agent ${agentId} not found`);
}
