import type { RecordEntry } from "../../../src/core/record.js";
import { type AgentsApi, RECORD_PAGE } from "../api/agents-api.js";

/** One row of the record list: what a `record` frame says, and the entry once read. */
export interface RecordRow {
  seq: number;
  txType: string;
  hash: string;
  entry?: RecordEntry;
}

/** How many pages of the record are read at once when the page opens. */
const PARALLEL_PAGES = 4;

/**
 * An agent's record as the console holds it: rows `1..head`, the head known first (so the
 * list is as long as the record at once), entries read from `GET /agents/:id/record`, the
 * newest page first and alone (the list opens at the tail), then a few pages at a time from
 * the newest down, and extended live by
 * `record` frames (whose entries are then read in one request per burst). Listeners hear
 * about every change.
 *
 * @example
 * const store = new RecordStore(api, agentId, () => rerender());
 * await store.load(head.head_seq);
 * store.onRecordFrame({ seq: 7, tx_type: "agent_msg", hash });
 */
export class RecordStore {
  /** Rows by seq - 1; a hole is an entry known to exist and not read yet. */
  readonly rows: RecordRow[] = [];
  /** How many rows hold their entry. */
  read = 0;
  /** Pages (by index: seqs `k * RECORD_PAGE + 1 ..`) being read now. */
  private readonly reading = new Set<number>();
  private filling = false;
  private wanted = false;

  constructor(
    private readonly api: AgentsApi,
    private readonly agentId: string,
    private readonly changed: () => void,
  ) {}

  /** Reads every entry up to `headSeq` (and any that frames announced meanwhile). */
  async load(headSeq: number): Promise<void> {
    this.know(headSeq);
    this.changed();
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
      this.know(frame.seq);
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

  /** The record has entries up to `seq` at least. */
  private know(seq: number): void {
    if (seq > this.rows.length) this.rows.length = seq;
  }

  /** Reads every page with an unread entry, {@link PARALLEL_PAGES} at a time, until none is left. */
  private async fill(): Promise<void> {
    if (this.filling) {
      this.wanted = true;
      return;
    }
    this.filling = true;
    try {
      do {
        this.wanted = false;
        const pages = this.unreadPages();
        // The newest page alone first: the list opens at the tail, and pages read beside it
        // would hold up its rendering while the browser parses them
        const newest = pages.shift();
        if (newest !== undefined) await this.readPage(newest);
        let next = 0;
        const worker = async () => {
          while (next < pages.length) {
            const page = pages[next++];
            if (page !== undefined) await this.readPage(page);
          }
        };
        await Promise.all(Array.from({ length: Math.min(PARALLEL_PAGES, pages.length) }, worker));
      } while (this.wanted);
    } finally {
      this.filling = false;
    }
  }

  /** Indexes of the pages holding an unread entry and not being read, newest first. */
  private unreadPages(): number[] {
    const pages: number[] = [];
    for (let k = Math.ceil(this.rows.length / RECORD_PAGE) - 1; k >= 0; k--) {
      if (!this.reading.has(k) && this.firstUnreadIn(k) !== undefined) pages.push(k);
    }
    return pages;
  }

  /** The first unread seq of page `k`, if any. */
  private firstUnreadIn(k: number): number | undefined {
    const end = Math.min(this.rows.length, (k + 1) * RECORD_PAGE);
    for (let i = k * RECORD_PAGE; i < end; i++) {
      if (this.rows[i]?.entry === undefined) return i + 1;
    }
    return undefined;
  }

  /** Reads page `k` from its first unread entry to its end. */
  private async readPage(k: number): Promise<void> {
    const from = this.firstUnreadIn(k);
    if (from === undefined) return;
    this.reading.add(k);
    try {
      const entries = await this.api.record(this.agentId, from, (k + 1) * RECORD_PAGE - from + 1);
      for (const entry of entries) {
        const row = this.rows[entry.seq - 1];
        if (row?.entry === undefined) this.read += 1;
        this.know(entry.seq);
        this.rows[entry.seq - 1] = {
          seq: entry.seq,
          txType: entry.tx.tx_type,
          hash: entry.hash,
          entry,
        };
      }
      this.changed();
    } finally {
      this.reading.delete(k);
    }
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
