import type { SlashCommand, SlashName } from "./types.js";

/** How one slash command is used: its arguments and a line of help. */
export interface SlashSpec {
  name: SlashName;
  /** The usage line, e.g. `/history [n]`. */
  usage: string;
  help: string;
  minArgs: number;
  /** Most arguments; `Infinity` joins none (the front end gets them all). */
  maxArgs: number;
  /** The last argument takes the rest of the line, spaces included (`/cat PATH`). */
  rest?: boolean;
}

/** Every slash command, in the order `/help` lists them. Shared by the REPL and the TUI. */
export const SLASH_COMMANDS: readonly SlashSpec[] = [
  { name: "help", usage: "/help", help: "list the commands", minArgs: 0, maxArgs: 0 },
  { name: "quit", usage: "/quit", help: "leave (exit 0)", minArgs: 0, maxArgs: 0 },
  { name: "clear", usage: "/clear", help: "clear the screen", minArgs: 0, maxArgs: 0 },
  {
    name: "status",
    usage: "/status",
    help: "server, agent, head, connection",
    minArgs: 0,
    maxArgs: 0,
  },
  {
    name: "history",
    usage: "/history [n]",
    help: "the last n messages of the agent (default 10)",
    minArgs: 0,
    maxArgs: 1,
  },
  {
    name: "record",
    usage: "/record",
    help: "show or hide the live record (seq, type, hash)",
    minArgs: 0,
    maxArgs: 0,
  },
  { name: "swarm", usage: "/swarm", help: "show or hide the agents", minArgs: 0, maxArgs: 0 },
  {
    name: "approve",
    usage: "/approve [tool_use_id]",
    help: "approve a waiting tool call (the oldest by default)",
    minArgs: 0,
    maxArgs: 1,
  },
  {
    name: "deny",
    usage: "/deny [tool_use_id]",
    help: "deny a waiting tool call (the oldest by default)",
    minArgs: 0,
    maxArgs: 1,
  },
  {
    name: "diff",
    usage: "/diff",
    help: "the files the last turn created, modified and deleted",
    minArgs: 0,
    maxArgs: 0,
  },
  {
    name: "login",
    usage: "/login --local | /login URL [TOKEN [NAME]]",
    help: "log in to a server and make it current (asks for the token, masked, when left out)",
    minArgs: 1,
    maxArgs: 3,
  },
  { name: "logout", usage: "/logout", help: "forget the current server", minArgs: 0, maxArgs: 0 },
  { name: "whoami", usage: "/whoami", help: "server, user and org", minArgs: 0, maxArgs: 0 },
  {
    name: "verify",
    usage: "/verify",
    help: "re-check the agent's hash chain",
    minArgs: 0,
    maxArgs: 0,
  },
  {
    name: "fork",
    usage: "/fork [seq]",
    help: "fork the agent at seq (the head by default)",
    minArgs: 0,
    maxArgs: 1,
  },
  { name: "agents", usage: "/agents", help: "the agents of your org", minArgs: 0, maxArgs: 0 },
  {
    name: "attach",
    usage: "/attach ID",
    help: "switch to another agent (an id or a unique prefix)",
    minArgs: 1,
    maxArgs: 1,
  },
  { name: "files", usage: "/files", help: "the agent's workspace", minArgs: 0, maxArgs: 0 },
  {
    name: "cat",
    usage: "/cat PATH",
    help: "print a workspace file",
    minArgs: 1,
    maxArgs: 1,
    rest: true,
  },
];

const BY_NAME = new Map(SLASH_COMMANDS.map((spec) => [spec.name, spec]));
/** Names the reference's clients also accept. */
const ALIASES: Record<string, SlashName> = { exit: "quit", q: "quit", "?": "help" };

/** A parsed line, or why it is not a valid command (with its usage). */
export type ParsedSlash = ({ ok: true } & SlashCommand) | { ok: false; message: string };

/**
 * Parses a line that starts with `/`.
 *
 * @example
 * parseSlash("/history 5"); // { ok: true, name: "history", args: ["5"] }
 * parseSlash("/cat notes/a b.md"); // { ok: true, name: "cat", args: ["notes/a b.md"] }
 * parseSlash("/fork x y"); // { ok: false, message: "usage: /fork [seq]" }
 */
export function parseSlash(line: string): ParsedSlash {
  const trimmed = line.trim();
  if (!trimmed.startsWith("/")) return { ok: false, message: "a command starts with /" };
  const [word = "", ...rest] = trimmed.slice(1).split(/\s+/);
  const lower = word.toLowerCase();
  const spec = BY_NAME.get(lower as SlashName) ?? BY_NAME.get(ALIASES[lower] as SlashName);
  if (!spec) {
    const near = SLASH_COMMANDS.filter((s) => s.name.startsWith(lower.slice(0, 2)) && lower);
    const hint =
      near.length > 0 ? ` (did you mean ${near.map((s) => `/${s.name}`).join(", ")}?)` : "";
    return { ok: false, message: `unknown command /${word}${hint}; /help lists them` };
  }
  let args = rest.filter((a) => a !== "");
  if (spec.rest && args.length > spec.maxArgs) {
    let after = trimmed.slice(1 + word.length).trim();
    const head: string[] = [];
    for (let i = 0; i < spec.maxArgs - 1; i++) {
      const match = /^(\S+)\s*/.exec(after);
      if (!match?.[1]) break;
      head.push(match[1]);
      after = after.slice(match[0].length);
    }
    args = [...head, after];
  }
  if (args.length < spec.minArgs || args.length > spec.maxArgs) {
    return { ok: false, message: `usage: ${spec.usage}` };
  }
  return { ok: true, name: spec.name, args };
}

/**
 * The `/help` text: one line per command, usage then help.
 *
 * @example
 * slashHelp()[0]; // "/help                  list the commands"
 */
export function slashHelp(): string[] {
  const width = Math.max(...SLASH_COMMANDS.map((s) => s.usage.length)) + 2;
  return SLASH_COMMANDS.map((s) => `${s.usage.padEnd(width)}${s.help}`);
}
