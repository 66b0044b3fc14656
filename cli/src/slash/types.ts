import type { HttpClient } from "../api/http-client.js";
import type { Column } from "../output/output.js";

/** A parsed slash command line: its name (without `/`) and arguments. */
export interface SlashCommand {
  name: SlashName;
  args: string[];
}

/** Every slash command's name. */
export type SlashName =
  | "help"
  | "quit"
  | "clear"
  | "status"
  | "history"
  | "record"
  | "swarm"
  | "approve"
  | "deny"
  | "diff"
  | "login"
  | "logout"
  | "whoami"
  | "verify"
  | "fork"
  | "agents"
  | "attach"
  | "files"
  | "cat";

/** What a front end does for an `action` result. */
export type SlashAction =
  | { kind: "action"; action: "quit" | "clear" | "toggle_record" | "toggle_swarm" }
  /** Switch the session to agent `agent_id` (reconnect with `?agent_id=`). */
  | { kind: "action"; action: "attach"; agent_id: string }
  /** Credentials changed (login or logout): reconnect with the current server, if any. */
  | { kind: "action"; action: "credentials_changed"; lines: string[] };

/**
 * What a slash command produced, for the front end to render: text lines (`tone` error for a
 * failure), a table, or an action the front end carries out.
 */
export type SlashResult =
  | { kind: "lines"; lines: string[]; tone?: "info" | "error" }
  | { kind: "table"; columns: Column[]; rows: Record<string, unknown>[]; title?: string }
  | SlashAction;

/** What a slash command may use: the API, the agent in view, and the session's state. */
export interface SlashContext {
  /** The API of the current server; undefined when not logged in. */
  api: HttpClient | undefined;
  /** The agent the front end shows. */
  agentId: string | undefined;
  /** The current server's name and URL, for `/status` and `/whoami`. */
  server?: { name: string; url: string } | undefined;
  /** Connection state and last record seq of the front end's stream session. */
  connection?: { state: string; lastSeq: number } | undefined;
  /** The files the last finished turn changed (from its `assistant_message_end`). */
  lastFilesChanged?: { created: string[]; modified: string[]; deleted: string[] } | undefined;
  /** The environment (`AURA_HOME`, `AURA_PORT`, `AURA_DATA_DIR`); `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /**
   * Asks the person for a secret with masked input (`/login URL` without a token); a front
   * end that cannot ask leaves it out, and `/login` then needs the token on its line.
   */
  readSecret?: (prompt: string) => Promise<string>;
}
