import type { RecordEntry } from "../../src/core/record.js";
import { decodeSessionStart, type SessionStartRecord } from "../../src/session/session-record.js";
import { isRowError, selectLastSessionStart } from "./record-table.js";
import { selectSessionSecrets } from "./session-secret-table.js";
import type { InstalledTools } from "./tool-host.js";

/** A `session_start` entry and its seq. */
export interface RecordedSession {
  seq: number;
  record: SessionStartRecord;
}

/**
 * The agent's latest session: read from the record once per object instance (through the
 * partial index on `session_start` rows), then kept exact by watching commits.
 */
export class LatestSession {
  #session?: RecordedSession | null;
  /** The latest session's stored credentials, once read (they never change after its start). */
  #secrets?: { session_id: string; secrets: InstalledTools["secrets"] };

  /** The latest `session_start`, or null when the agent never had a session. */
  get(sql: SqlStorage): RecordedSession | null {
    if (this.#session === undefined) {
      const entry = selectLastSessionStart(sql);
      this.#session =
        entry && !isRowError(entry)
          ? { seq: entry.seq, record: decodeSessionStart(entry.tx.payload) }
          : null;
    }
    return this.#session;
  }

  /** Notes committed entries (a new `session_start` becomes the latest). */
  observe(entries: readonly RecordEntry[]): void {
    for (const entry of entries) {
      if (entry.tx.tx_type === "session_start") {
        this.#session = { seq: entry.seq, record: decodeSessionStart(entry.tx.payload) };
      }
    }
  }

  /** The installed tools of the latest session, with their stored credentials. */
  installedTools(sql: SqlStorage): InstalledTools | undefined {
    const session = this.get(sql);
    if (!session) return undefined;
    const { session_id } = session.record;
    if (this.#secrets?.session_id !== session_id) {
      this.#secrets = { session_id, secrets: selectSessionSecrets(sql, session_id) };
    }
    return { tools: session.record.installed_tools, secrets: this.#secrets.secrets };
  }
}
