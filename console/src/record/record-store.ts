import type { RecordEntry } from "../../../src/core/record.js";
import { type AgentsApi, RECORD_PAGE } from "../api/agents-api.js";

/** One row of the record list: what a `record` frame says, and the entry once read. */
export interface RecordRow {
  seq: number;
  txType: string;
  hash: string;
  entry?: RecordEntry;
}

/**
 * An agent's record as the console holds it: rows `1..head`, filled from
 * `GET /agents/:id/record` pages and extended live by `record` frames (whose entries are then
 * read in one request per burst). Listeners hear about every change.
 *
 * @example
 * const store = new RecordStore(api, agentId, () => rerender());
 * await store.load();
 * store.onRecordFrame({ seq: 7, tx_type: "agent_msg", hash });
 */
export class RecordStore {
  /** Rows by seq - 1. */
  readonly rows: RecordRow[] = [];
  private fetching = false;
  private wanted = false;

  constructor(
    private readonly api: AgentsApi,
    private readonly agentId: string,
    private readonly changed: () => void,
  ) {}

  /** Reads every entry up to the head, a page at a time. */
  async load(): Promise<void> {
    await this.fill();
  }

  /**
   * Reads the entries not read yet, in the background. A failure (the network dropped) is
   * kept quiet: the next `record` frame, or {@link catchUp} after a reconnect, tries again.
   */
  catchUp(): void {
    this.fill().catch(() => undefined);
  }

  /** A `record` frame: the row shows at once, its entry follows. */
  onRecordFrame(frame: { seq: number; tx_type: string; hash: string }): void {
    if (this.rows[frame.seq - 1] === undefined) {
      this.rows[frame.seq - 1] = { seq: frame.seq, txType: frame.tx_type, hash: frame.hash };
      this.changed();
    }
    this.catchUp();
  }

  /** The entry at `seq`, if read. */
  entry(seq: number): RecordEntry | undefined {
    return this.rows[seq - 1]?.entry;
  }

  /** The rows in seq order (without holes). */
  list(): RecordRow[] {
    return this.rows.filter((r) => r !== undefined);
  }

  /** Reads entries from the first row without one, until the answer is short. */
  private async fill(): Promise<void> {
    if (this.fetching) {
      this.wanted = true;
      return;
    }
    this.fetching = true;
    try {
      do {
        this.wanted = false;
        let from = this.firstUnread();
        for (;;) {
          const page = await this.api.record(this.agentId, from);
          for (const entry of page) {
            this.rows[entry.seq - 1] = {
              seq: entry.seq,
              txType: entry.tx.tx_type,
              hash: entry.hash,
              entry,
            };
          }
          this.changed();
          if (page.length < RECORD_PAGE) break;
          from += page.length;
        }
      } while (this.wanted);
    } finally {
      this.fetching = false;
    }
  }

  private firstUnread(): number {
    for (let i = 0; i < this.rows.length; i++) {
      if (this.rows[i]?.entry === undefined) return i + 1;
    }
    return this.rows.length + 1;
  }
}

/** A record entry's transaction payload as text (base64 → UTF-8). */
export function payloadText(entry: RecordEntry): string {
  const bytes = Uint8Array.from(atob(entry.tx.payload), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** A record entry's payload as JSON, when it is JSON. */
export function payloadJson(entry: RecordEntry): unknown {
  try {
    return JSON.parse(payloadText(entry));
  } catch {
    return undefined;
  }
}
