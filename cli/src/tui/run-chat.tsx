import { readFileSync } from "node:fs";
import { render } from "ink";
import { initialChatState } from "./chat-state.js";
import { createChatStore } from "./chat-store.js";
import { ChatApp } from "./components/chat-app.js";
import { ChatShell } from "./shell/chat-shell.js";
import { themeOf } from "./theme.js";

/** What `aura chat` (and bare `aura`) was asked for. */
export interface ChatOptions {
  /** Server base URL and bearer token, from the credentials or the flags. */
  url: string;
  token: string;
  /** Attach to this agent; otherwise a new one. */
  agent?: string;
  /** Start a new agent even when the credentials remember one. */
  new?: boolean;
  model?: string;
  /** Path of a file whose text is the system prompt. */
  system?: string;
  /** Workspace folder, relative to the agent's workspace base. */
  dir?: string;
  theme?: "cyber" | "matrix" | "synthwave" | "minimal";
}

/**
 * Runs the full-screen chat until the person quits (`/quit`, or Ctrl-C twice); resolves with
 * the exit code: 0 then, 1 when there is no terminal or the system prompt cannot be read.
 *
 * @example
 * process.exitCode = await runChat({ url: "http://127.0.0.1:8787", token, theme: "matrix" });
 */
export async function runChat(options: ChatOptions): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write("aura: the full-screen chat needs a terminal; use `aura repl`\n");
    return 1;
  }
  let systemPrompt: string | undefined;
  if (options.system) {
    try {
      systemPrompt = readFileSync(options.system, "utf8");
    } catch (err) {
      process.stderr.write(
        `aura: cannot read --system ${options.system}: ${(err as Error).message}\n`,
      );
      return 1;
    }
  }
  const agentId = options.new ? undefined : options.agent;
  const store = createChatStore(
    initialChatState({
      ...(agentId ? { agentId } : {}),
      ...(options.model ? { model: options.model } : {}),
    }),
  );
  const theme = themeOf(options.theme ?? "cyber", process.env);
  let done: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    done = resolve;
  });
  const shell = new ChatShell({
    url: options.url,
    token: options.token,
    ...(agentId ? { agentId } : {}),
    settings: {
      ...(systemPrompt !== undefined ? { system_prompt: systemPrompt } : {}),
      ...(options.model ? { model: options.model } : {}),
      ...(options.dir ? { workspace: options.dir } : {}),
    },
    store,
    width: () => process.stdout.columns || 80,
    onQuit: (code) => done(code),
  });
  const app = render(<ChatApp store={store} controller={shell} theme={theme} />, {
    exitOnCtrlC: false,
    // A token shows at most ~8 ms after the frame that carried it (Ink throttles renders).
    // Ink's incremental rendering is left off: under tmux it left stale lines behind.
    maxFps: 120,
  });
  void shell.connect();
  const code = await exited;
  app.unmount();
  await app.waitUntilExit().catch(() => undefined);
  return code;
}
