import type { HttpClient } from "../api/http-client.js";
import {
  credentialsPath,
  readCredentials,
  removeServer,
  saveServer,
} from "../config/credentials.js";
import { identityOf } from "../config/identity.js";
import { localDevToken, localStack } from "../config/local-token.js";
import { entryText, shortHash } from "../output/record-text.js";
import { slashHelp } from "./registry.js";
import type { SlashContext, SlashName, SlashResult } from "./types.js";

/**
 * Runs slash command `name` with `args` (as {@link parseSlash} gave them) and returns what to
 * show; never throws: a failure is `{kind: "lines", tone: "error"}` with a one-line reason.
 *
 * @example
 * const parsed = parseSlash("/verify");
 * if (parsed.ok) render(await runSlash(parsed.name, parsed.args, { api, agentId }));
 */
export async function runSlash(
  name: SlashName,
  args: string[],
  ctx: SlashContext,
): Promise<SlashResult> {
  try {
    return await dispatch(name, args, ctx);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const message = err instanceof Error ? err.message : String(err);
    return error(typeof code === "string" ? `${code}: ${message}` : message);
  }
}

async function dispatch(name: SlashName, args: string[], ctx: SlashContext): Promise<SlashResult> {
  const env = ctx.env ?? process.env;
  switch (name) {
    case "help":
      return lines(slashHelp());
    case "quit":
      return { kind: "action", action: "quit" };
    case "clear":
      return { kind: "action", action: "clear" };
    case "record":
      return { kind: "action", action: "toggle_record" };
    case "swarm":
      return { kind: "action", action: "toggle_swarm" };
    case "login":
      return login(args, env, ctx.readSecret);
    case "logout": {
      const removed = removeServer(undefined, credentialsPath(env));
      return removed === undefined
        ? error("not logged in")
        : { kind: "action", action: "credentials_changed", lines: [`logged out of ${removed}`] };
    }
    case "whoami": {
      const creds = readCredentials(credentialsPath(env));
      const entry = creds.current ? creds.servers[creds.current] : undefined;
      if (!creds.current || !entry)
        return error("not logged in: /login --local or /login URL TOKEN");
      const who = await identityOf(creds.current, entry);
      return lines([
        `server ${who.server} (${who.url})`,
        `sub ${who.sub ?? "?"}  org ${who.org ?? "?"}${who.expires ? `  expires ${who.expires}` : ""}`,
        `health ${who.health}${who.version ? ` (version ${who.version})` : ""}`,
      ]);
    }
    case "diff": {
      const files = ctx.lastFilesChanged;
      if (!files) return lines(["no finished turn yet"]);
      const out = [
        ...files.created.map((p) => `+ ${p}`),
        ...files.modified.map((p) => `~ ${p}`),
        ...files.deleted.map((p) => `- ${p}`),
      ];
      return lines(out.length > 0 ? out : ["the last turn changed no files"]);
    }
    case "agents":
      return agentsTable(need(ctx.api));
    default:
      return agentCommand(name, args, ctx, need(ctx.api));
  }
}

async function agentCommand(
  name: SlashName,
  args: string[],
  ctx: SlashContext,
  api: HttpClient,
): Promise<SlashResult> {
  if (name === "attach") {
    const wanted = args[0] ?? "";
    if (/^[0-9a-f]{64}$/.test(wanted))
      return { kind: "action", action: "attach", agent_id: wanted };
    const matches = (await api.listAgents()).filter((a) => a.agent_id.startsWith(wanted));
    const only = matches[0];
    if (matches.length === 1 && only)
      return { kind: "action", action: "attach", agent_id: only.agent_id };
    return error(
      matches.length === 0
        ? `no agent starts with ${wanted}`
        : `${wanted} names ${matches.length} agents; give more of the id`,
    );
  }
  const agentId = ctx.agentId;
  if (!agentId) return error("no agent yet: send a message first, or /attach ID");
  switch (name) {
    case "status": {
      const head = await api.head(agentId);
      const out = [
        `agent ${agentId}`,
        `status ${head.status}  head ${head.head_seq} ${shortHash(head.head_hash)}`,
      ];
      if (ctx.server) out.unshift(`server ${ctx.server.name} (${ctx.server.url})`);
      if (ctx.connection)
        out.push(`connection ${ctx.connection.state}  last seen seq ${ctx.connection.lastSeq}`);
      return lines(out);
    }
    case "history": {
      const n = args[0] === undefined ? 10 : positive(args[0], "n");
      const head = await api.head(agentId);
      const from = Math.max(1, head.head_seq - 999);
      const messages = (await api.record(agentId, from, 1000)).filter(
        (e) => e.tx.tx_type === "user_prompt" || e.tx.tx_type === "agent_msg",
      );
      const shown = messages.slice(-n).map((e) => {
        const who = e.tx.tx_type === "user_prompt" ? "you" : "agent";
        return `#${e.seq} ${who}: ${entryText(e)}`;
      });
      return lines(shown.length > 0 ? shown : ["no messages yet"]);
    }
    case "verify": {
      const report = await api.verify(agentId);
      return report.ok
        ? lines([`ok (head seq ${report.head_seq}, ${report.checked} checked)`])
        : error(`bad at seq ${report.first_bad_seq ?? "?"}: ${report.reason ?? "unknown reason"}`);
    }
    case "fork": {
      const seq =
        args[0] === undefined ? (await api.head(agentId)).head_seq : positive(args[0], "seq");
      const { agent_id } = await api.fork(agentId, seq);
      return lines([
        `forked at seq ${seq}: ${agent_id}`,
        `/attach ${agent_id.slice(0, 12)} to switch to it`,
      ]);
    }
    case "approve":
    case "deny": {
      const approved = name === "approve";
      let toolUseId = args[0];
      if (toolUseId === undefined) {
        const waiting = (await api.approvals(agentId)).approvals[0];
        if (!waiting) return error("nothing waits for approval");
        toolUseId = waiting.tool_use_id;
      }
      const reply = await api.answerApproval(agentId, toolUseId, approved);
      return lines([`${approved ? "approved" : "denied"} ${toolUseId} (seq ${reply.seq})`]);
    }
    case "files": {
      const reply = await api.files(agentId, ".", 3);
      if (!reply.ok) return error(reply.error);
      const out: string[] = [];
      const walk = (entries: typeof reply.entries, depth: number) => {
        for (const entry of entries) {
          out.push(`${"  ".repeat(depth)}${entry.name}${entry.is_dir ? "/" : ""}`);
          if (entry.children) walk(entry.children, depth + 1);
        }
      };
      walk(reply.entries, 0);
      return lines(out.length > 0 ? out : ["the workspace is empty"]);
    }
    case "cat": {
      const reply = await api.readFile(agentId, args[0] ?? "");
      if (!reply.ok) return error(reply.error);
      return lines(reply.content.split("\n"));
    }
    default:
      return error(`/${name} is handled by the front end`);
  }
}

async function agentsTable(api: HttpClient): Promise<SlashResult> {
  const agents = await api.listAgents();
  return {
    kind: "table",
    columns: AGENT_COLUMNS,
    rows: agents.map((a) => ({ ...a, created: new Date(a.created_at).toISOString() })),
  };
}

/** The columns agent lists show (`aura agents`, `/agents`). */
export const AGENT_COLUMNS = [
  { key: "agent_id", header: "AGENT" },
  { key: "name", header: "NAME" },
  { key: "status", header: "STATUS" },
  { key: "head_seq", header: "HEAD" },
  { key: "created", header: "CREATED" },
];

async function login(
  args: string[],
  env: NodeJS.ProcessEnv,
  readSecret: SlashContext["readSecret"],
): Promise<SlashResult> {
  const path = credentialsPath(env);
  if (args[0] === "--local") {
    const token = await localDevToken(env);
    if (!token) return error("no local dev secret yet: run `npm start` once first");
    const { url } = localStack(env);
    saveServer("local", { url, token }, path);
    return {
      kind: "action",
      action: "credentials_changed",
      lines: [`logged in to local (${url})`],
    };
  }
  const [url, given, name = "default"] = args;
  if (!url || !/^https?:\/\//.test(url) || (given === undefined && !readSecret))
    return error("usage: /login --local | /login URL [TOKEN [NAME]]");
  const token = (given ?? (await readSecret?.("token: ")) ?? "").trim();
  if (token === "") return error("no token given");
  saveServer(name, { url: url.replace(/\/+$/, ""), token }, path);
  return {
    kind: "action",
    action: "credentials_changed",
    lines: [`logged in to ${name} (${url})`],
  };
}

function need(api: HttpClient | undefined): HttpClient {
  if (!api) throw new Error("not logged in: /login --local or /login URL TOKEN");
  return api;
}

function positive(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive whole number`);
  return n;
}

function lines(text: string[]): SlashResult {
  return { kind: "lines", lines: text };
}

function error(message: string): SlashResult {
  return { kind: "lines", lines: [message], tone: "error" };
}
