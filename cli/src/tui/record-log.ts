/** One row of the record panel: an entry's seq, transaction type and short hash. */
export interface RecordRow {
  seq: number;
  txType: string;
  /** The first 12 hex characters of the entry's hash. */
  shortHash: string;
}

/**
 * An append-only list of record rows shared between successive chat states: appending is
 * O(1) (no copy of the rows before it), and a state sees only its first `length` rows, so an
 * older state never sees rows appended after it. Appending to an older snapshot (a branch)
 * copies its rows first, so branches never see each other's rows.
 *
 * @example
 * let log = RecordLog.empty();
 * log = log.append({ seq: 1, txType: "session_start", shortHash: "a1b2c3d4e5f6" });
 * log.length; // 1
 * log.at(0)?.seq; // 1
 */
export class RecordLog {
  readonly #rows: RecordRow[];
  readonly length: number;

  private constructor(rows: RecordRow[], length: number) {
    this.#rows = rows;
    this.length = length;
  }

  /** A log with no rows. */
  static empty(): RecordLog {
    return new RecordLog([], 0);
  }

  /** The row at `index` (0-based), or undefined past this snapshot's end. */
  at(index: number): RecordRow | undefined {
    return index >= 0 && index < this.length ? this.#rows[index] : undefined;
  }

  /** The seq of the last row, or 0. */
  lastSeq(): number {
    return this.at(this.length - 1)?.seq ?? 0;
  }

  /** This snapshot with `row` after its last row. */
  append(row: RecordRow): RecordLog {
    const rows = this.#rows.length === this.length ? this.#rows : this.#rows.slice(0, this.length);
    rows.push(row);
    return new RecordLog(rows, this.length + 1);
  }

  /** Rows `[start, end)` of this snapshot. */
  slice(start: number, end: number): RecordRow[] {
    return this.#rows.slice(Math.max(0, start), Math.min(end, this.length));
  }
}
