import type { InstalledToolSecrets } from "../../src/session/session-record.js";

/**
 * Credentials of a session's installed tools, by session id. They are kept beside the
 * record, never in it: the `session_start` entry says which kind of auth each tool uses.
 */
export function insertSessionSecrets(
  sql: SqlStorage,
  sessionId: string,
  secrets: InstalledToolSecrets,
): void {
  sql.exec(
    "INSERT OR REPLACE INTO session_secret (session_id, secrets) VALUES (?, ?)",
    sessionId,
    JSON.stringify(secrets),
  );
}

/** The credentials stored for a session (none when it stored none). */
export function selectSessionSecrets(sql: SqlStorage, sessionId: string): InstalledToolSecrets {
  const row = sql
    .exec<{ secrets: string }>("SELECT secrets FROM session_secret WHERE session_id = ?", sessionId)
    .toArray()[0];
  return row ? (JSON.parse(row.secrets) as InstalledToolSecrets) : {};
}
