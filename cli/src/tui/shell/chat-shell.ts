import { HttpClient } from "../../api/http-client.js";
import {
  type SessionSettings,
  type StreamEvent,
  StreamSession,
  type StreamSessionOptions,
} from "../../api/stream-session.js";
import { credentialsPath, readCredentials, rememberAgent } from "../../config/credentials.js";
import { parseSlash } from "../../slash/registry.js";
import { runSlash } from "../../slash/run-slash.js";
import type { SlashContext } from "../../slash/types.js";
import type { ConnectionView } from "../chat-state.js";
import type { ChatStore } from "../chat-store.js";
import type { ChatController } from "../components/chat-app.js";
import { blocksOfReasoningEntry } from "./reasoning-blocks.js";
import { noticeOfSlash } from "./slash-view.js";
import { toolCallOfEntry } from "./tool-args.js";

/** Entries read when attaching (the record panel's first rows). */
const EARLIER_ENTRIES = 200;
/** Messages of those shown in the transcript. */
const EARLIER_MESSAGES = 10;

/** The stream session as the shell uses it (a {@link StreamSession}, or a fake in tests). */
export interface SessionLike {
  agentId: string | undefined;
  lastSeq: number;
  send: StreamSession["send"];
  close(): void;
  on(event: "event", listener: (event: StreamEvent) => void): unknown;
}

export interface ChatShellOptions {
  url: string;
  token: string;
  agentId?: string;
  settings: SessionSettings;
  store: ChatStore;
  /** Width of the transcript, for tables. */
  width: () => number;
  /** Called once with the exit code when the person leaves. */
  onQuit: (code: number) => void;
  /** Opens a session (default: {@link StreamSession.open}). */
  open?: (options: StreamSessionOptions) => Promise<SessionLike>;
  api?: HttpClient;
  env?: NodeJS.ProcessEnv;
}

/**
 * The chat's side effects around the pure state: opens the `/stream` session and feeds its
 * frames and connection changes to the store, sends messages, cancels and approval answers,
 * answers requests for tools allowed for the session, loads tool arguments from the record for
 * cards that did not get them with an approval request, and runs slash commands through the
 * shared registry.
 */
export class ChatShell implements ChatController {
  #options: ChatShellOptions;
  #api: HttpClient;
  #session: SessionLike | undefined;
  #agentId: string | undefined;
  #filesChanged: SlashContext["lastFilesChanged"];
  #wasReconnecting = false;
  #generation = 0;
  /** The masked question the input line asks, until the person answers it. */
  #secret: { resolve(text: string): void; reject(err: Error): void } | undefined;

  constructor(options: ChatShellOptions) {
    this.#options = options;
    this.#api = options.api ?? new HttpClient(options.url, options.token);
    this.#agentId = options.agentId;
  }

  /** Connects (or reconnects to another agent); failures become a notice and `closed`. */
  async connect(agentId = this.#agentId): Promise<void> {
    const { store } = this.#options;
    const generation = ++this.#generation;
    this.#session?.close();
    this.#session = undefined;
    this.#wasReconnecting = false;
    store.dispatch({ type: "connection", connection: { status: "connecting" } });
    if (agentId) await this.#loadEarlier(agentId);
    if (generation !== this.#generation) return;
    const open = this.#options.open ?? ((o: StreamSessionOptions) => StreamSession.open(o));
    try {
      const session = await open({
        url: this.#options.url,
        token: this.#options.token,
        ...(agentId ? { agentId } : {}),
        settings: this.#options.settings,
      });
      if (generation !== this.#generation) {
        session.close();
        return;
      }
      this.#session = session;
      this.#agentId = session.agentId;
      session.on("event", (event) => this.#onEvent(event, generation));
      if (session.agentId) {
        this.#remember(session.agentId);
        store.dispatch({
          type: "frame",
          frame: { type: "session_ready", session_id: "", agent_id: session.agentId, tools: [] },
        });
      }
      store.dispatch({ type: "connection", connection: { status: "open" } });
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      store.dispatch({ type: "connection", connection: { status: "closed", detail } });
      store.dispatch({
        type: "notice",
        text: `cannot start the session: ${detail}`,
        tone: "error",
      });
    }
  }

  submit(line: string): void {
    if (line.startsWith("/")) {
      void this.#slash(line);
      return;
    }
    const { store } = this.#options;
    const state = store.getState();
    if (!this.#session) {
      store.dispatch({
        type: "notice",
        text: "not connected: /login, then try again",
        tone: "error",
      });
      return;
    }
    if (state.turn.running) {
      store.dispatch({
        type: "notice",
        text: "a turn is running: wait for it, or Ctrl-C to cancel it",
        tone: "error",
      });
      return;
    }
    store.dispatch({ type: "user_sent", text: line });
    this.#session.send({ type: "user_message", content: line });
  }

  cancel(): void {
    this.#session?.send({ type: "cancel" });
    this.#options.store.dispatch({ type: "cancel_requested" });
  }

  answer(toolUseId: string, approved: boolean, always: boolean): void {
    this.#session?.send({ type: "approval_response", tool_use_id: toolUseId, approved });
    this.#options.store.dispatch({ type: "approval_answered", toolUseId, approved, always });
  }

  answerSecret(text: string | undefined): void {
    const asked = this.#secret;
    this.#secret = undefined;
    this.#options.store.dispatch({ type: "secret" });
    if (text === undefined) asked?.reject(new Error("cancelled"));
    else asked?.resolve(text);
  }

  /** Asks for a secret on the input line, masked (`/login URL` without a token). */
  #readSecret(prompt: string): Promise<string> {
    this.#secret?.reject(new Error("cancelled"));
    return new Promise<string>((resolve, reject) => {
      this.#secret = { resolve, reject };
      this.#options.store.dispatch({ type: "secret", prompt });
    });
  }

  quit(code: number): void {
    this.#generation++;
    this.#session?.close();
    this.#options.onQuit(code);
  }

  #onEvent(event: StreamEvent, generation: number): void {
    if (generation !== this.#generation) return;
    const { store } = this.#options;
    if (event.kind === "state") {
      const connection: ConnectionView = { status: event.state };
      if (event.attempt !== undefined) connection.attempt = event.attempt;
      if (event.reason !== undefined) connection.detail = event.reason;
      if (event.state === "open" && this.#wasReconnecting) {
        connection.resumedAfter = this.#session?.lastSeq ?? 0;
      }
      this.#wasReconnecting = event.state === "reconnecting";
      store.dispatch({ type: "connection", connection });
      return;
    }
    const frame = event.frame;
    store.dispatch({ type: "frame", frame });
    switch (frame.type) {
      case "session_ready":
        this.#agentId = frame.agent_id;
        break;
      case "approval_request":
        if (store.getState().allowedTools.includes(frame.tool)) {
          this.answer(frame.tool_use_id, true, false);
        }
        break;
      case "assistant_message_end":
        this.#filesChanged = frame.files_changed;
        break;
      case "record":
        if (frame.tx_type === "tool_proposal") void this.#loadToolArgs(frame.seq);
        if (store.getState().backfill?.seq === frame.seq) void this.#backfill(frame.seq);
        if (store.getState().foreignPrompts.includes(frame.seq)) void this.#loadPrompt(frame.seq);
        break;
    }
  }

  /** Cards of calls that ran without an approval request get their arguments from the record. */
  async #loadToolArgs(seq: number): Promise<void> {
    const agentId = this.#agentId;
    if (!agentId) return;
    try {
      const [entry] = await this.#api.record(agentId, seq, 1);
      const call = entry ? toolCallOfEntry(entry) : undefined;
      if (!call) return;
      const card = this.#options.store.getState().tools[call.toolUseId];
      if (card?.args !== undefined) return;
      this.#options.store.dispatch({ type: "tool_args", ...call });
    } catch {
      // A card without arguments still shows the tool's name and result.
    }
  }

  /**
   * On attaching to an agent that has a record: its last messages into the transcript, and
   * its last entries into the record panel, before the session's live frames.
   */
  async #loadEarlier(agentId: string): Promise<void> {
    try {
      const head = await this.#api.head(agentId);
      if (head.head_seq === 0) return;
      const from = Math.max(1, head.head_seq - (EARLIER_ENTRIES - 1));
      const entries = await this.#api.record(agentId, from, EARLIER_ENTRIES);
      const messages = entries
        .filter((e) => e.tx.tx_type === "user_prompt" || e.tx.tx_type === "agent_msg")
        .slice(-EARLIER_MESSAGES)
        .map((e) => ({
          role: e.tx.tx_type === "user_prompt" ? ("user" as const) : ("assistant" as const),
          text: Buffer.from(e.tx.payload, "base64").toString("utf8"),
        }));
      const rows = entries.map((e) => ({ seq: e.seq, txType: e.tx.tx_type, hash: e.hash }));
      this.#options.store.dispatch({ type: "history_loaded", messages, rows });
    } catch {
      // An agent whose record cannot be read now still opens; /history can try again.
    }
  }

  /** The text of a message another client sent to this agent, read from its entry. */
  async #loadPrompt(seq: number): Promise<void> {
    const agentId = this.#agentId;
    if (!agentId) return;
    try {
      const [entry] = await this.#api.record(agentId, seq, 1);
      if (entry?.tx.tx_type !== "user_prompt") return;
      const text = Buffer.from(entry.tx.payload, "base64").toString("utf8");
      this.#options.store.dispatch({ type: "prompt_loaded", seq, messageId: entry.tx.hash, text });
    } catch {
      // The answer still shows; only the question is missing.
    }
  }

  /** The whole model answer that streamed across a reconnect, read from its entry. */
  async #backfill(seq: number): Promise<void> {
    const agentId = this.#agentId;
    if (!agentId) return;
    try {
      const [entry] = await this.#api.record(agentId, seq, 1);
      const shown = entry ? blocksOfReasoningEntry(entry) : undefined;
      if (shown) this.#options.store.dispatch({ type: "backfill", seq, ...shown });
    } catch {
      // Without the entry the answer shows what arrived live; /history has it whole.
    }
  }

  async #slash(line: string): Promise<void> {
    const { store } = this.#options;
    const parsed = parseSlash(line);
    if (!parsed.ok) {
      store.dispatch({ type: "notice", text: parsed.message, tone: "error" });
      return;
    }
    const state = store.getState();
    if (parsed.name === "approve" || parsed.name === "deny") {
      const wanted = parsed.args[0];
      const ask = state.approvals.find((a) => wanted === undefined || a.toolUseId === wanted);
      if (ask) {
        this.answer(ask.toolUseId, parsed.name === "approve", false);
        return;
      }
    }
    if (parsed.name === "swarm" && !state.panels.swarm) await this.#loadAgents();
    const result = await runSlash(parsed.name, parsed.args, {
      api: this.#api,
      agentId: this.#agentId,
      connection: { state: state.connection.status, lastSeq: this.#session?.lastSeq ?? 0 },
      lastFilesChanged: this.#filesChanged,
      server: { name: "current", url: this.#options.url },
      env: this.#options.env ?? process.env,
      readSecret: (prompt) => this.#readSecret(prompt),
    });
    if (result.kind === "action") {
      switch (result.action) {
        case "quit":
          this.quit(0);
          return;
        case "clear":
          store.dispatch({ type: "clear" });
          return;
        case "toggle_record":
          store.dispatch({ type: "toggle_panel", panel: "record" });
          if (store.getState().panels.record) {
            store.dispatch({ type: "toggle_panel", panel: "swarm", open: false });
          }
          return;
        case "toggle_swarm":
          store.dispatch({ type: "toggle_panel", panel: "swarm" });
          if (store.getState().panels.swarm) {
            store.dispatch({ type: "toggle_panel", panel: "record", open: false });
          }
          return;
        case "attach":
          store.dispatch({ type: "reset", agentId: result.agent_id });
          store.dispatch({ type: "notice", text: `attached to ${result.agent_id}` });
          await this.connect(result.agent_id);
          return;
        case "credentials_changed":
          this.#switchToCurrentServer();
          break;
      }
    }
    const notice = noticeOfSlash(result, this.#options.width());
    if (notice) store.dispatch({ type: "notice", ...notice });
  }

  async #loadAgents(): Promise<void> {
    try {
      const rows = await this.#api.listAgents();
      this.#options.store.dispatch({
        type: "agents",
        agents: rows.map((r) => ({
          agentId: r.agent_id,
          ...(r.name ? { name: r.name } : {}),
          headSeq: r.head_seq,
          status: r.status,
        })),
      });
    } catch (err) {
      const text = `cannot list agents: ${err instanceof Error ? err.message : String(err)}`;
      this.#options.store.dispatch({ type: "notice", text, tone: "error" });
    }
  }

  /** Remembers the agent for the server these credentials name, so `aura` continues it. */
  #remember(agentId: string): void {
    try {
      const path = credentialsPath(this.#options.env ?? process.env);
      const creds = readCredentials(path);
      const names = Object.keys(creds.servers).sort((a, b) =>
        a === creds.current ? -1 : b === creds.current ? 1 : 0,
      );
      const name = names.find((n) => {
        const entry = creds.servers[n];
        return entry?.url === this.#options.url && entry.token === this.#options.token;
      });
      if (name && creds.servers[name]?.agent_id !== agentId) rememberAgent(name, agentId, path);
    } catch {
      // Remembering the agent is a convenience; an unreadable home does not stop the chat.
    }
  }

  /** After /login or /logout: talk to the current server from now on. */
  #switchToCurrentServer(): void {
    const creds = readCredentials(credentialsPath(this.#options.env ?? process.env));
    const entry = creds.current ? creds.servers[creds.current] : undefined;
    if (!entry) {
      this.#generation++;
      this.#session?.close();
      this.#session = undefined;
      return;
    }
    // The agent this server remembers; else, on the same server, the agent in view; else a
    // new one (an agent id of another server means nothing there)
    const sameServer = entry.url === this.#options.url;
    this.#agentId = entry.agent_id ?? (sameServer ? this.#agentId : undefined);
    this.#options = { ...this.#options, url: entry.url, token: entry.token };
    this.#api = new HttpClient(entry.url, entry.token);
    this.#options.store.dispatch({
      type: "reset",
      ...(this.#agentId ? { agentId: this.#agentId } : {}),
    });
    void this.connect(this.#agentId);
  }
}
