import { readFileSync } from "node:fs";
import { createInterface, type Interface } from "node:readline";
import type { ServerFrame } from "../../../src/protocol/stream.js";
import { ApiError } from "../api/api-error.js";
import { HttpClient } from "../api/http-client.js";
import { openAgentSession } from "../api/open-session.js";
import type { SessionSettings, StreamEvent, StreamSession } from "../api/stream-session.js";
import type { Connection } from "../commands/context.js";
import { rememberAgent } from "../config/credentials.js";
import { readSecretLine } from "../config/prompt.js";
import { CliError, EXIT } from "../exit-codes.js";
import { createOutput, type Output } from "../output/output.js";
import { parseSlash } from "../slash/registry.js";
import { runSlash } from "../slash/run-slash.js";
import type { SlashContext, SlashResult } from "../slash/types.js";
import { eventJson, eventText } from "./frame-text.js";
import { loadHistory, saveHistory } from "./history.js";
import { printSlash } from "./slash-render.js";

/** What `aura repl` was asked for. */
export interface ReplOptions {
  connection: Connection;
  agent?: string;
  model?: string;
  /** Path of a file whose text is the system prompt. */
  system?: string;
  json?: boolean;
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
}

type FilesChanged = { created: string[]; modified: string[]; deleted: string[] };

/**
 * The line REPL (`aura repl`): plain lines are user messages, `/…` lines slash commands.
 * On a terminal it streams the answer as it arrives and asks approvals `y/n/a`; in JSON mode
 * (`--json`, or stdout not a terminal) it prints one JSON object per event and line, sends
 * each stdin line as a message, waits for each turn's end, and exits 0 at the end of input.
 * Resolves with the exit code.
 *
 * @example
 * process.exitCode = await runRepl({ connection: connection(opts), json: true });
 */
export async function runRepl(options: ReplOptions): Promise<number> {
  const out = createOutput({ json: options.json === true });
  const settings: SessionSettings = {
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.system === undefined ? {} : { system_prompt: readSystem(options.system) }),
  };
  const repl = new Repl(options, out, settings);
  return repl.run();
}

class Repl {
  readonly #options: ReplOptions;
  readonly #out: Output;
  readonly #settings: SessionSettings;
  readonly #api: HttpClient;
  #session: StreamSession | undefined;
  #turnOpen = false;
  #turnWaiters: Array<() => void> = [];
  #showRecord = false;
  #allowed = new Set<string>();
  #pendingApproval: Extract<ServerFrame, { type: "approval_request" }> | undefined;
  #lastFiles: FilesChanged | undefined;
  #midLine = false;
  #rl: Interface | undefined;
  #lastInterrupt = 0;
  #quit: ((code: number) => void) | undefined;
  /** Lines are handled one at a time, in order (a pasted block runs like typed lines). */
  #lines: Promise<void> = Promise.resolve();
  #closing = false;

  constructor(options: ReplOptions, out: Output, settings: SessionSettings) {
    this.#options = options;
    this.#out = out;
    this.#settings = settings;
    this.#api = new HttpClient(options.connection.entry.url, options.connection.entry.token);
  }

  async run(): Promise<number> {
    await this.#attach(this.#options.agent);
    return this.#out.json ? this.#runJson() : this.#runTty();
  }

  async #attach(agentId: string | undefined): Promise<void> {
    this.#session?.close();
    const { name } = this.#options.connection;
    try {
      this.#session = await openAgentSession(this.#api, {
        ...(agentId === undefined ? { create: { name: "repl" } } : { agentId }),
        settings: this.#settings,
      });
    } catch (err) {
      if (err instanceof ApiError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const code = /not_found|HTTP 404/.test(message) ? EXIT.not_found : EXIT.unreachable_or_auth;
      throw new CliError(code, message);
    }
    const session = this.#session;
    session.on("event", (event) => this.#onEvent(event));
    if (session.agentId) {
      if (!this.#out.json) this.#print({ line: this.#out.color.dim(`agent ${session.agentId}`) });
      else this.#out.object({ type: "session_ready", agent_id: session.agentId });
      if (name !== "env") {
        try {
          rememberAgent(name, session.agentId);
        } catch {
          // Remembering the agent is a convenience; a read-only home does not stop the REPL.
        }
      }
    }
  }

  #onEvent(event: StreamEvent): void {
    if (event.kind === "frame") this.#track(event.frame);
    if (this.#closing) return;
    if (this.#out.json) {
      this.#out.object(eventJson(event));
    } else {
      const text = eventText(event, this.#out.color, { showRecord: this.#showRecord });
      if (text) this.#print(text);
      if (event.kind === "frame" && event.frame.type === "approval_request")
        this.#askApproval(event.frame);
      if (event.kind === "frame" && event.frame.type === "assistant_message_end")
        this.#rl?.prompt();
    }
    if (event.kind === "state" && event.state === "closed") this.#endTurn();
  }

  #track(frame: ServerFrame): void {
    if (frame.type === "assistant_message_start") this.#turnOpen = true;
    if (frame.type === "assistant_message_end") {
      this.#lastFiles = frame.files_changed;
      this.#endTurn();
    }
    if (frame.type === "approval_request") this.#wakeWaiters();
    if (frame.type === "error" && (frame.code === "turn_in_progress" || !frame.recoverable))
      this.#endTurn();
  }

  #endTurn(): void {
    this.#turnOpen = false;
    this.#wakeWaiters();
  }

  #wakeWaiters(): void {
    for (const wake of this.#turnWaiters.splice(0)) wake();
  }

  /** Resolves when the open turn ends or parks on an approval. */
  #turnSettled(): Promise<void> {
    if (!this.#turnOpen) return Promise.resolve();
    return new Promise((resolve) => this.#turnWaiters.push(resolve));
  }

  /**
   * Waits (up to `timeoutMs`) for the `record` frames of every entry up to the head, so the
   * output of a piped run ends with the record of its last turn's reply.
   */
  async #drain(timeoutMs = 3000): Promise<void> {
    const session = this.#session;
    const closed = () => session?.state === "closed";
    if (!session?.agentId || closed()) return;
    let head: number;
    try {
      head = (await this.#api.head(session.agentId)).head_seq;
    } catch {
      return;
    }
    const deadline = Date.now() + timeoutMs;
    while (session.lastSeq < head && !closed() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  #sendMessage(text: string): void {
    this.#turnOpen = true;
    this.#session?.send({ type: "user_message", content: text });
  }

  async #runJson(): Promise<number> {
    const rl = createInterface({ input: this.#options.input ?? process.stdin, terminal: false });
    for await (const line of rl) {
      if (line.trim() === "") continue;
      if (line.trim().startsWith("/")) {
        const done = await this.#slash(line);
        if (done !== undefined) return this.#close(done);
        continue;
      }
      this.#sendMessage(line);
      await this.#turnSettled();
      if (this.#session?.state === "closed") return this.#close(EXIT.unreachable_or_auth);
    }
    await this.#turnSettled();
    await this.#drain();
    return this.#close(EXIT.ok);
  }

  #runTty(): Promise<number> {
    const input = this.#options.input ?? process.stdin;
    const rl = createInterface({
      input,
      output: process.stdout,
      terminal: true,
      history: loadHistory(),
      historySize: 500,
      removeHistoryDuplicates: true,
    });
    this.#rl = rl;
    rl.setPrompt(this.#out.color.bold("› "));
    this.#out.line(
      this.#out.color.dim("Type a message, /help for commands, Ctrl-C twice to quit."),
    );
    rl.prompt();
    return new Promise<number>((resolve) => {
      this.#quit = (code) => {
        this.#quit = undefined;
        saveHistory((rl as unknown as { history: string[] }).history ?? []);
        rl.close();
        resolve(this.#close(code));
      };
      rl.on("line", (line) => {
        this.#lines = this.#lines.then(() => this.#onLine(line));
      });
      rl.on("SIGINT", () => this.#interrupt());
      rl.on("close", () => {
        this.#lines = this.#lines.then(() => this.#quit?.(EXIT.ok));
      });
    });
  }

  async #onLine(raw: string): Promise<void> {
    const line = raw.trim();
    if (this.#pendingApproval) {
      this.#answerApproval(line.toLowerCase());
      return;
    }
    if (line === "") {
      this.#rl?.prompt();
      return;
    }
    if (line.startsWith("/")) {
      const done = await this.#slash(line);
      if (done !== undefined) this.#quit?.(done);
      else this.#rl?.prompt();
      return;
    }
    if (this.#turnOpen) {
      this.#out.line(this.#out.color.yellow("a turn is running: wait for it, or Ctrl-C to cancel"));
      this.#rl?.prompt();
      return;
    }
    this.#sendMessage(line);
    await this.#turnSettled();
  }

  #askApproval(frame: Extract<ServerFrame, { type: "approval_request" }>): void {
    if (this.#allowed.has(frame.tool)) {
      this.#session?.send({
        type: "approval_response",
        tool_use_id: frame.tool_use_id,
        approved: true,
      });
      this.#out.line(this.#out.color.dim(`(allowed ${frame.tool} for this session)`));
      return;
    }
    this.#pendingApproval = frame;
    this.#rl?.setPrompt(
      this.#out.color.yellow(`approve ${frame.tool}? [y]es / [n]o / [a]lways this session › `),
    );
    this.#rl?.prompt();
  }

  #answerApproval(answer: string): void {
    const frame = this.#pendingApproval;
    if (!frame) return;
    if (!["y", "yes", "n", "no", "a", "always"].includes(answer)) {
      this.#out.line("answer y, n or a");
      this.#rl?.prompt();
      return;
    }
    const approved = answer.startsWith("y") || answer.startsWith("a");
    if (answer.startsWith("a")) this.#allowed.add(frame.tool);
    this.#pendingApproval = undefined;
    this.#rl?.setPrompt(this.#out.color.bold("› "));
    this.#session?.send({ type: "approval_response", tool_use_id: frame.tool_use_id, approved });
  }

  #interrupt(): void {
    const now = Date.now();
    if (now - this.#lastInterrupt < 3000) {
      this.#quit?.(EXIT.ok);
      return;
    }
    this.#lastInterrupt = now;
    if (this.#turnOpen) {
      this.#session?.send({ type: "cancel" });
      this.#print({ line: this.#out.color.yellow("cancelling the turn (Ctrl-C again to quit)") });
    } else {
      this.#print({ line: this.#out.color.dim("(Ctrl-C again to quit, or /quit)") });
      this.#rl?.prompt();
    }
  }

  /** Runs a slash line; resolves with an exit code when the REPL should end. */
  async #slash(line: string): Promise<number | undefined> {
    const parsed = parseSlash(line);
    let result: SlashResult;
    if (!parsed.ok) result = { kind: "lines", lines: [parsed.message], tone: "error" };
    else result = await runSlash(parsed.name, parsed.args, this.#slashContext());
    if (this.#out.json) this.#out.object({ type: "slash", command: line.trim(), result });
    else printSlash(this.#out, result);
    if (result.kind !== "action") return undefined;
    switch (result.action) {
      case "quit":
        return EXIT.ok;
      case "clear":
        if (!this.#out.json) console.clear();
        return undefined;
      case "toggle_record":
        this.#showRecord = !this.#showRecord;
        if (!this.#out.json) this.#out.line(`record ${this.#showRecord ? "shown" : "hidden"}`);
        return undefined;
      case "toggle_swarm": {
        const agents = await runSlash("agents", [], this.#slashContext());
        if (this.#out.json) this.#out.object({ type: "slash", command: "/agents", result: agents });
        else printSlash(this.#out, agents);
        return undefined;
      }
      case "attach":
        await this.#attach(result.agent_id);
        return undefined;
      case "credentials_changed":
        return undefined;
    }
  }

  #slashContext(): SlashContext {
    const session = this.#session;
    return {
      api: this.#api,
      agentId: session?.agentId,
      server: { name: this.#options.connection.name, url: this.#options.connection.entry.url },
      ...(session ? { connection: { state: session.state, lastSeq: session.lastSeq } } : {}),
      lastFilesChanged: this.#lastFiles,
      ...(this.#rl ? { readSecret: (prompt: string) => this.#readSecret(prompt) } : {}),
    };
  }

  /**
   * A masked line for `/login URL` (config/prompt.ts): readline stops seeing keys while it is
   * read, so the secret is neither echoed nor kept in the history.
   */
  async #readSecret(prompt: string): Promise<string> {
    const input = (this.#options.input ?? process.stdin) as NodeJS.ReadStream;
    const keypress = input.listeners("keypress") as Array<(...args: unknown[]) => void>;
    input.removeAllListeners("keypress");
    try {
      return await readSecretLine(prompt, input);
    } finally {
      for (const listener of keypress) input.on("keypress", listener);
      if (input.isTTY) input.setRawMode(true);
      input.resume();
    }
  }

  #print(text: { inline: string } | { line: string }): void {
    if ("inline" in text) {
      process.stdout.write(text.inline);
      this.#midLine = !text.inline.endsWith("\n");
      return;
    }
    if (this.#midLine) process.stdout.write("\n");
    this.#midLine = false;
    this.#out.line(text.line);
  }

  #close(code: number): number {
    this.#closing = true;
    this.#session?.close();
    return code;
  }
}

function readSystem(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new CliError(EXIT.usage, `--system ${path}: ${(err as Error).message}`);
  }
}
