/** Rows the SQL of an object read and wrote, as SQLite counts them (what storage is billed in). */
export interface RowCounts {
  read: number;
  written: number;
}

/**
 * Counts the rows every statement run through {@link sql} reads and writes, from its cursor's
 * `rowsRead` and `rowsWritten`. A cursor's counts grow as it is consumed, so each one is
 * added when the next statement runs (or when {@link totals} is asked): exact for code that
 * consumes a cursor before running another statement, as every caller in this object does.
 */
export class SqlMeter {
  /** The metered SQL: the object's own, with every `exec` counted. */
  readonly sql: SqlStorage;
  #read = 0;
  #written = 0;
  #pending?: SqlStorageCursor<Record<string, SqlStorageValue>>;

  constructor(sql: SqlStorage) {
    const exec = <T extends Record<string, SqlStorageValue>>(
      query: string,
      ...bindings: unknown[]
    ): SqlStorageCursor<T> => {
      this.#settle();
      const cursor = sql.exec<T>(query, ...bindings);
      this.#pending = cursor;
      return cursor;
    };
    this.sql = new Proxy(sql, {
      get(target, property) {
        if (property === "exec") return exec;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  /** Rows read and written so far by the metered SQL. */
  totals(): RowCounts {
    this.#settle();
    return { read: this.#read, written: this.#written };
  }

  #settle(): void {
    const cursor = this.#pending;
    if (!cursor) return;
    this.#read += cursor.rowsRead;
    this.#written += cursor.rowsWritten;
    this.#pending = undefined;
  }
}
