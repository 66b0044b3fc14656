import type { MetricsCosts } from "../../src/protocol/metrics.js";
import type { RowCounts, SqlMeter } from "./sql-meter.js";

/** A measured quantity: its last value and the mean of every value measured. */
interface Series {
  n: number;
  last: number;
  sum: number;
}

/**
 * What admissions and turns cost this object in SQL rows, measured through the store's
 * metered SQL ({@link SqlMeter}) and kept in memory since the object woke (measurements, not
 * part of the record: a replay measures again).
 *
 * - an admission: from reading its admission number to its write (the idempotency-key lookup
 *   just before it is not counted);
 * - a turn: from the commit that opens it to the commit of its reply — everything the object
 *   read and wrote through the store meanwhile, reads answering other requests at the same
 *   time included.
 */
export class CostMeter {
  readonly #meter: SqlMeter;
  #admissionFrom?: RowCounts;
  #turnFrom?: RowCounts;
  readonly #admissionRead = series();
  readonly #admissionWritten = series();
  readonly #turnRead = series();
  readonly #turnWritten = series();

  constructor(meter: SqlMeter) {
    this.#meter = meter;
  }

  /** An admission begins (its number is read). */
  admissionStarted(): void {
    this.#admissionFrom = this.#meter.totals();
  }

  /** The admission's write is done. */
  admitted(): void {
    const from = this.#admissionFrom;
    if (!from) return;
    const now = this.#meter.totals();
    add(this.#admissionRead, now.read - from.read);
    add(this.#admissionWritten, now.written - from.written);
    this.#admissionFrom = undefined;
  }

  /** A commit opened a turn (`open`) or closed the one open (`close`), after it landed. */
  committed(turn: "open" | "keep" | "close"): void {
    if (turn === "open") this.#turnFrom = this.#meter.totals();
    if (turn !== "close" || !this.#turnFrom) return;
    const now = this.#meter.totals();
    add(this.#turnRead, now.read - this.#turnFrom.read);
    add(this.#turnWritten, now.written - this.#turnFrom.written);
    this.#turnFrom = undefined;
  }

  /**
   * The costs measured so far, with `bytes_per_entry` from the record's own counts.
   *
   * @example
   * costs.view(state.bytes, state.entries).rows_written_per_turn.mean;
   */
  view(bytes: number, entries: number): MetricsCosts {
    return {
      admissions: this.#admissionRead.n,
      rows_read_per_admission: stats(this.#admissionRead),
      rows_written_per_admission: stats(this.#admissionWritten),
      turns: this.#turnRead.n,
      rows_read_per_turn: stats(this.#turnRead),
      rows_written_per_turn: stats(this.#turnWritten),
      bytes_per_entry: entries === 0 ? 0 : Math.round(bytes / entries),
    };
  }
}

function series(): Series {
  return { n: 0, last: 0, sum: 0 };
}

function add(s: Series, value: number): void {
  s.n += 1;
  s.last = value;
  s.sum += value;
}

function stats(s: Series): { last: number; mean: number } {
  return { last: s.last, mean: s.n === 0 ? 0 : Math.round((s.sum / s.n) * 100) / 100 };
}
