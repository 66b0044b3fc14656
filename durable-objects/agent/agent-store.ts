import { AuraError } from "../../src/core/errors.js";
import type { AgentStatus, RecordEntry, Transaction } from "../../src/core/record.js";
import {
  type ChainState,
  chainStateAt,
  EMPTY_OUTCOME,
  evolve,
  type SerializedEntry,
  type StepOutcome,
  stepSerialized,
} from "../../src/kernel/step.js";
import { CostMeter } from "./cost-meter.js";
import { countInbox, peekInbox, pushInbox, removeFromInbox } from "./inbox-table.js";
import {
  type AgentMeta,
  insertIdempotency,
  insertMeta,
  insertTxFailure,
  markRegistered,
  selectMeta,
  updateHead,
  updateStatus,
  withRecordHead,
} from "./meta-table.js";
import { MetricsKeeper } from "./metrics-keeper.js";
import { deleteOutbox, insertOutbox, type OutboxMessage, selectOutbox } from "./outbox-table.js";
import {
  insertEntry,
  type RowError,
  selectEntries,
  selectEntriesOfTypes,
  selectWindow,
  unreadableRow,
} from "./record-table.js";
import { migrate } from "./schema.js";
import { SqlMeter } from "./sql-meter.js";

/** How a commit changes the queue and the open-turn marker. */
export interface CommitOptions {
  /** Remove the transaction from the inbox in the same storage transaction. */
  dequeue: boolean;
  /** `open`: this entry starts a turn; `keep`: a turn stays open; `close`: no turn is open. */
  turn: "open" | "keep" | "close";
  /** Marks the turn's inbound transaction as failed, with this message. */
  failure?: { txId: string; error: string };
  /** A message owed to another agent, queued with the entry. */
  outbox?: OutboxMessage;
}

/** One commit of a batch. */
export interface CommitItem {
  tx: Transaction;
  outcome: StepOutcome;
  options: CommitOptions;
}

/** A queued transaction to admit, with its idempotency bookkeeping. */
export interface Admission {
  tx: Transaction;
  /** Set when the agent is new: its metadata row is written with the transaction. */
  create?: AgentMeta;
  /** The admission number, which is also the inbox position. */
  pos: number;
  idempotency?: { key: string; digest: string };
}

/**
 * The agent's storage: SQLite tables behind a write-through cache of the metadata row and
 * the chain state. The object is the only writer, so the caches stay exact; eviction drops
 * them and they are rebuilt from one row and the last `window_size` context hashes.
 */
export class AgentStore {
  readonly sql: SqlStorage;
  readonly #storage: DurableObjectStorage;
  #meta: AgentMeta | null | undefined;
  #chain?: ChainState;
  /** The entry at the head, when this object committed it (entries are immutable). */
  #headEntry?: RecordEntry;
  /** Rows in the inbox: counted once, then kept (+1 per admission, −1 per dequeue). */
  #queued?: number;
  /** Called with the entries of every commit, after it is durable. */
  onCommit?: (entries: readonly RecordEntry[]) => void;
  /** Whether messages to other agents wait in the outbox (read once, then kept). */
  #outboxPending?: boolean;
  /** The record's metrics, folded in every commit's storage transaction. */
  readonly metrics: MetricsKeeper;
  /** Rows read and written per admission and per turn, through {@link sql}. */
  readonly costs: CostMeter;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
    const meter = new SqlMeter(storage.sql);
    this.sql = meter.sql;
    migrate(storage);
    this.costs = new CostMeter(meter);
    this.metrics = new MetricsKeeper(this, this.costs);
  }

  /** The metadata row, if the agent exists. Read-only: change it through this store. */
  meta(): Readonly<AgentMeta> | undefined {
    if (this.#meta === undefined) {
      const row = selectMeta(this.sql);
      this.#meta = row ? withRecordHead(this.sql, row) : null;
    }
    return this.#meta ?? undefined;
  }

  /** The metadata row of an agent that must exist. */
  requireMeta(): Readonly<AgentMeta> {
    const meta = this.meta();
    if (!meta) throw new AuraError("internal", "agent metadata missing");
    return meta;
  }

  /** Creates the agent. */
  create(meta: AgentMeta): void {
    this.#storage.transactionSync(() => insertMeta(this.sql, meta));
    this.#meta = { ...meta };
  }

  /**
   * Stores entries of a fork's prefix verbatim. Until {@link create} writes the metadata
   * row the agent does not exist, so a copy that stops half-way leaves nothing reachable.
   */
  insertForkedEntries(entries: readonly SerializedEntry[]): void {
    this.#storage.transactionSync(() => {
      for (const entry of entries) insertEntry(this.sql, entry);
    });
    this.#chain = undefined;
    this.#headEntry = undefined;
  }

  /** Queues a transaction (creating the agent first if needed), in one storage transaction. */
  admit(admission: Admission): void {
    const { tx, create, pos, idempotency } = admission;
    const meta = { ...(create ?? this.requireMeta()), admissions: pos };
    this.#storage.transactionSync(() => {
      if (create) insertMeta(this.sql, meta);
      // The head with the count: entries after the row's head are then only admissions
      // committed with their entry (see withRecordHead).
      else
        updateHead(this.sql, {
          seq: meta.head_seq,
          hash: meta.head_hash,
          admissions: pos,
          openTurnSeq: meta.open_turn_seq,
        });
      pushInbox(this.sql, pos, tx);
      if (idempotency) insertIdempotency(this.sql, idempotency.key, tx.hash, idempotency.digest);
    });
    this.#meta = meta;
    this.#queued = this.queuedCount() + 1;
    this.costs.admitted();
  }

  /**
   * True when a new transaction may be committed as it is admitted: the agent is active,
   * no turn is open and nothing is queued ahead of it, so committing now keeps admission
   * order and one turn at a time.
   */
  canCommitOnAdmission(): boolean {
    const meta = this.meta();
    if (meta && (meta.status !== "active" || meta.open_turn_seq !== null)) return false;
    return this.queuedCount() === 0;
  }

  /**
   * Admits a transaction and commits its entry in the same storage transaction (see
   * {@link canCommitOnAdmission}). The entry is the only row it writes (with its index row and
   * an idempotency key's): the metadata row keeps the head of the last commit before, and a
   * woken object catches it up from the record ({@link withRecordHead}). A new agent's first
   * admission writes the row whole.
   */
  admitCommitted(admission: Admission, turn: "open" | "close"): RecordEntry {
    const { tx, create, pos, idempotency } = admission;
    const meta = { ...(create ?? this.requireMeta()), admissions: pos };
    const [entry] = this.#commitItems(
      meta,
      [{ tx, outcome: EMPTY_OUTCOME, options: { dequeue: false, turn } }],
      () => {
        if (create) insertMeta(this.sql, meta);
        if (idempotency) insertIdempotency(this.sql, idempotency.key, tx.hash, idempotency.digest);
      },
      create !== undefined,
    );
    this.costs.admitted();
    return entry as RecordEntry;
  }

  /** Number of queued transactions. */
  queuedCount(): number {
    this.#queued ??= countInbox(this.sql);
    return this.#queued;
  }

  /** The number the next admission gets (1, 2, 3, … over the agent's life). */
  nextAdmission(): number {
    this.costs.admissionStarted();
    return (this.meta()?.admissions ?? 0) + 1;
  }

  /** Sets the lifecycle status. */
  setStatus(status: AgentStatus): void {
    updateStatus(this.sql, status);
    this.#meta = { ...this.requireMeta(), status };
  }

  /** Notes that the org directory lists the agent. */
  markRegistered(): void {
    markRegistered(this.sql);
    this.#meta = { ...this.requireMeta(), registered: true };
  }

  /** True when messages to other agents wait to be delivered. */
  hasOutbox(): boolean {
    this.#outboxPending ??= selectOutbox(this.sql, 1).length > 0;
    return this.#outboxPending;
  }

  /** The oldest undelivered messages, at most `limit`. */
  outbox(limit: number): OutboxMessage[] {
    const messages = selectOutbox(this.sql, limit);
    this.#outboxPending = messages.length > 0;
    return messages;
  }

  /** Forgets a delivered message. */
  delivered(key: string): void {
    deleteOutbox(this.sql, key);
    this.#outboxPending = undefined;
  }

  /** The oldest queued transactions, at most `limit`. */
  queued(limit: number): Transaction[] {
    return peekInbox(this.sql, limit);
  }

  /** Entries from `fromSeq` to the head; a row that does not decode is an internal error. */
  entriesFrom(fromSeq: number, limit = 100_000): RecordEntry[] {
    // The head entry this object just committed is read back from memory.
    const head = this.#headEntry;
    if (head !== undefined && head.seq === fromSeq && head.seq === this.meta()?.head_seq)
      return [head];
    return readable(selectEntries(this.sql, fromSeq, limit));
  }

  /** Entries of the given types with `fromSeq ≤ seq < beforeSeq`, in order. */
  entriesOfTypes(types: readonly string[], fromSeq: number, beforeSeq: number): RecordEntry[] {
    return readable(selectEntriesOfTypes(this.sql, types, fromSeq, beforeSeq));
  }

  /**
   * Appends entries through the kernel's step, each with its head move, dequeue and turn
   * marker, all in one storage transaction: all of them land or none.
   */
  commit(items: readonly CommitItem[]): RecordEntry[] {
    return this.#commitItems(this.requireMeta(), items, () => {});
  }

  #commitItems(
    meta: Readonly<AgentMeta>,
    items: readonly CommitItem[],
    alsoWrite: () => void,
    writeHead = true,
  ): RecordEntry[] {
    let chain = this.#chainState(meta);
    let openTurn = meta.open_turn_seq;
    const serialized: SerializedEntry[] = [];
    for (const { tx, outcome, options } of items) {
      const stepped = stepSerialized(chain, tx, outcome);
      const { entry } = stepped;
      openTurn = options.turn === "open" ? entry.seq : options.turn === "keep" ? openTurn : null;
      serialized.push(stepped);
      chain = evolve(chain, entry);
    }
    const entries = serialized.map((s) => s.entry);
    const last = entries.at(-1);
    if (!last) return entries;
    let dequeued = 0;
    this.#storage.transactionSync(() => {
      alsoWrite();
      items.forEach(({ tx, options }, i) => {
        insertEntry(this.sql, serialized[i] as SerializedEntry);
        if (options.dequeue) {
          removeFromInbox(this.sql, tx.hash);
          dequeued++;
        }
        if (options.failure) {
          insertTxFailure(this.sql, options.failure.txId, options.failure.error);
        }
        if (options.outbox) insertOutbox(this.sql, options.outbox);
      });
      this.metrics.committed(entries);
      // A due metrics checkpoint rides on the head's UPDATE. An admission committed with its
      // entry writes no head: one that opens a turn leaves it to the turn's commits (which
      // write the head), any other writes the row for it, once per checkpoint.
      const metrics = writeHead || openTurn === null ? this.metrics.checkpoint() : undefined;
      if (writeHead || metrics !== undefined) {
        updateHead(this.sql, {
          seq: last.seq,
          hash: last.hash,
          admissions: meta.admissions,
          openTurnSeq: openTurn,
          ...(metrics === undefined ? {} : { metrics }),
        });
      }
    });
    this.#chain = chain;
    this.#headEntry = last;
    this.#meta = { ...meta, head_seq: last.seq, head_hash: last.hash, open_turn_seq: openTurn };
    if (this.#queued !== undefined) this.#queued -= dequeued;
    if (items.some((item) => item.options.outbox !== undefined)) this.#outboxPending = true;
    for (const { options } of items) this.costs.committed(options.turn);
    this.onCommit?.(entries);
    return entries;
  }

  #chainState(meta: Readonly<AgentMeta>): ChainState {
    this.#chain ??= chainStateAt(
      { seq: meta.head_seq, hash: meta.head_hash },
      selectWindow(this.sql, meta.window_size),
      meta.window_size,
    );
    return this.#chain;
  }
}

/** The entries of a page, or an internal error naming its first unreadable row. */
function readable(rows: Array<RecordEntry | RowError>): RecordEntry[] {
  const problem = unreadableRow(rows);
  if (problem !== undefined) throw new AuraError("internal", problem);
  return rows as RecordEntry[];
}
