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
 * Runs the full-screen chat until the person quits; resolves with the exit code.
 * (Placeholder until the TUI lands: says so and fails.)
 */
export async function runChat(_options: ChatOptions): Promise<number> {
  process.stderr.write("aura: the full-screen chat is not built yet; use `aura repl`\n");
  return 1;
}
