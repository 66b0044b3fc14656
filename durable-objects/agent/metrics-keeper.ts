import type { Result } from "../../src/core/errors.js";
import type { RecordEntry } from "../../src/core/record.js";
import { failureLogger } from "../../src/log/env-logger.js";
import { errorFields } from "../../src/log/error-fields.js";
import { type AgentMetricsSnapshot, agentMetricsOf } from "../../src/metrics/metrics-view.js";
import {
  foldEntry,
  initialMetrics,
  type RecordMetricsState,
} from "../../src/metrics/record-metrics.js";
import { type AgentAddress, agentNotFound, ownedMeta } from "./admission.js";
import type { CostMeter } from "./cost-meter.js";
import type { AgentMeta } from "./meta-table.js";
import { selectMetrics, upsertMetrics } from "./metrics-table.js";

/** What the keeper reads: the store's SQL, its metadata and its entries. */
export interface MetricsSource {
  readonly sql: SqlStorage;
  meta(): Readonly<AgentMeta> | undefined;
  entriesFrom(fromSeq: number, limit?: number): RecordEntry[];
}

/**
 * Entries folded between two writes of the metrics checkpoint (the agent row's `metrics`
 * column). Each commit folds its entries into the state kept in memory; the checkpoint is
 * rewritten, with the head in the same UPDATE, by the commit that takes it this many entries
 * past the last one, so a turn pays no extra row for it, and it is always fewer than this many
 * entries behind the head: a woken object catches up by folding at most that many.
 */
export const METRICS_CHECKPOINT_ENTRIES = 128;

/** Entries read per page while building. */
const PAGE = 500;

/**
 * Keeps the record's metrics fold of one agent: incrementally on every commit (inside its
 * storage transaction, {@link committed}), from the `metrics` row plus the few entries after
 * it once per object lifetime. An agent whose storage has no row (created before the
 * `metrics` table, a fork, an import) is not folded on commit until its first read builds the
 * row, once, by folding its whole record.
 */
export class MetricsKeeper {
  readonly #source: MetricsSource;
  readonly #costs: CostMeter;
  /** The fold through the head; undefined: not loaded yet; null: not kept until a read. */
  #state: RecordMetricsState | null | undefined;
  /** `through_seq` of the row as stored. */
  #storedSeq = 0;
  /** A checkpoint is due: written with the next head (see {@link checkpoint}). */
  #due = false;

  constructor(source: MetricsSource, costs: CostMeter) {
    this.#source = source;
    this.#costs = costs;
  }

  /**
   * `GET /agents/:id/metrics`: the fold through the head, with what this object measured
   * of its costs, for the agent's owner only.
   *
   * @example
   * const { metrics } = unwrap(store.metrics.snapshot(address));
   */
  snapshot(address: AgentAddress): Result<AgentMetricsSnapshot> {
    if (!ownedMeta(this.#source, address)) return agentNotFound(address.agent_id);
    const state = this.read();
    const costs = this.#costs.view(state.bytes, state.entries);
    return { ok: true, ...agentMetricsOf(address.agent_id, state, costs) };
  }

  /**
   * Folds entries just inserted, in the storage transaction that inserts them, and rewrites
   * the row at each checkpoint (and with a new agent's first entry). Never throws: metrics
   * are derived, and a fold that fails is rebuilt by the next read, not a failed commit.
   */
  committed(entries: readonly RecordEntry[]): void {
    try {
      this.#fold(entries);
    } catch (err) {
      this.#state = undefined;
      // The next read rebuilds the metrics from the record
      failureLogger.log("error", "metrics_fold_failed", errorFields(err));
    }
  }

  /**
   * A copy of the fold through the record's head: from memory, or from the row and the
   * entries after it (the whole record, once, when there is no row).
   */
  read(): RecordMetricsState {
    const headSeq = this.#source.meta()?.head_seq ?? 0;
    let state = this.#state;
    if (!state || state.through_seq > headSeq) state = this.#selectRow();
    const built = state ?? initialMetrics();
    while (built.through_seq < headSeq) {
      const page = this.#source.entriesFrom(built.through_seq + 1, PAGE);
      if (page.length === 0) break;
      for (const entry of page) foldEntry(built, entry);
    }
    this.#state = built;
    // A fold built by this read (no checkpoint yet) is stored now; one a checkpoint behind
    // goes with the next head the object writes (a turn reads this, and writes no row for it).
    if (!state) this.#store(built);
    else if (built.through_seq - this.#storedSeq >= METRICS_CHECKPOINT_ENTRIES) this.#due = true;
    return structuredClone(built);
  }

  #fold(entries: readonly RecordEntry[]): void {
    const first = entries[0];
    if (!first) return;
    if (this.#state === undefined) this.#state = this.#selectRow() ?? null;
    // A new agent: its row starts with its record.
    const isNew = this.#state === null && first.seq === 1;
    if (isNew) this.#state = initialMetrics();
    const state = this.#state;
    if (!state) return;
    const gap = first.seq - 1 - state.through_seq;
    if (gap < 0) {
      // Memory ran ahead of the record (a storage transaction failed after a fold).
      this.#state = undefined;
      return;
    }
    if (gap > 2 * METRICS_CHECKPOINT_ENTRIES) {
      this.#state = null;
      return;
    }
    // The row's checkpoint is behind the head by less than a checkpoint (once per wake).
    if (gap > 0) {
      for (const entry of this.#source.entriesFrom(state.through_seq + 1, gap)) {
        foldEntry(state, entry);
      }
    }
    for (const entry of entries) foldEntry(state, entry);
    if (isNew || state.through_seq - this.#storedSeq >= METRICS_CHECKPOINT_ENTRIES) {
      this.#due = true;
    }
  }

  /**
   * The checkpoint to write with the head, when one is due (JSON), in the storage transaction
   * of the commit that folded it: the head's UPDATE carries it, so it costs no row of its own
   * (an admission committed with its entry, which writes no head otherwise, writes it then).
   *
   * @example
   * updateHead(sql, { …head, metrics: store.metrics.checkpoint() });
   */
  checkpoint(): string | undefined {
    const state = this.#state;
    if (!this.#due || !state) return undefined;
    this.#due = false;
    this.#storedSeq = state.through_seq;
    return JSON.stringify(state);
  }

  #selectRow(): RecordMetricsState | undefined {
    const stored = selectMetrics(this.#source.sql);
    this.#storedSeq = stored?.through_seq ?? 0;
    return stored;
  }

  #store(state: RecordMetricsState): void {
    upsertMetrics(this.#source.sql, state);
    this.#storedSeq = state.through_seq;
  }
}
