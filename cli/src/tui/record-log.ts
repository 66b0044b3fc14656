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

  /** The index of the row with `seq` in this snapshot (rows are in seq order), or -1. */
  indexOf(seq: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = this.#rows[mid]?.seq ?? 0;
      if (at === seq) return mid;
      if (at < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * This snapshot with `row` in seq order: appended in O(1) when it is the newest (the usual
   * case), put in place with a copy when it is older (frames a resume replays can arrive after
   * a newer live one), and unchanged when its seq is already there.
   */
  insert(row: RecordRow): RecordLog {
    if (row.seq > this.lastSeq()) return this.append(row);
    if (this.indexOf(row.seq) >= 0) return this;
    const rows = this.#rows.slice(0, this.length);
    let at = rows.length;
    while (at > 0 && (rows[at - 1]?.seq ?? 0) > row.seq) at--;
    rows.splice(at, 0, row);
    return new RecordLog(rows, rows.length);
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
