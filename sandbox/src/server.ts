import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { SandboxError } from "./errors.js";
import { createTokenVerifier, type SandboxTokenKeys } from "./http/auth.js";
import { sendError, sendJson } from "./http/reply.js";
import { matchRoute, ROUTE_METHOD } from "./http/routes.js";
import {
  handleCommits,
  handleDispatch,
  handleFiles,
  handleGit,
  handleReadFile,
} from "./http/workspace-routes.js";
import { createCommandStarter } from "./isolation/command-starter.js";
import { type Isolation, type IsolationMode, prepareIsolation } from "./isolation/isolation.js";
import { IdempotentDispatch } from "./outcomes/idempotent-dispatch.js";
import { OutcomeStore } from "./outcomes/outcome-store.js";
import { ProcessGroups } from "./process/process-groups.js";
import { serveTerminal } from "./terminal/terminal-session.js";
import { parseAllowedCommands } from "./tools/command-allowlist.js";
import type { ToolContext } from "./tools/tool-context.js";
import { createWorkspaces } from "./workspace/workspaces.js";

/** Largest terminal frame accepted, in bytes. */
const MAX_TERMINAL_FRAME_BYTES = 2 * 1024 * 1024;

/** How to run a sandbox server. */
export interface SandboxServerOptions {
  /** Data directory: workspaces live in `<root>/workspaces/`, outcomes in `<root>/outcomes/`. */
  root: string;
  /**
   * The Worker's `SANDBOX_TOKEN_SECRET` (at least 32 characters): tokens are checked against
   * the key derived from it for their workspace. Give this or `workspaceKey`, not both.
   */
  tokenSecret?: string;
  /** One workspace's derived key: the server then serves that workspace only (a Container). */
  workspaceKey?: { workspace: string; key: Uint8Array };
  /** First words `run_command` may start with; empty or absent allows any command. */
  allowedCommands?: readonly string[];
  /** Milliseconds a `search_code` call may run before it ends `tool_timeout`; default 10 s. */
  searchDeadlineMs?: number;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** `on` (default): every command and terminal runs inside bubblewrap, or is refused. */
  isolation?: IsolationMode;
  /** Whether confined commands keep the host's network; default true. */
  network?: boolean;
  /** The bubblewrap executable; default `bwrap` on `PATH`. */
  bwrapPath?: string;
}

/** A listening sandbox server. */
export interface SandboxServer {
  /** Base URL, e.g. `http://127.0.0.1:8788`. */
  url: string;
  port: number;
  /** How commands and terminals are confined (`describeIsolation` prints it). */
  isolation: Isolation;
  /** Stops listening, closes every connection and terminal, kills every running command. */
  close(): Promise<void>;
}

/**
 * Starts the sandbox HTTP server (SPEC §9; routes in `src/protocol/sandbox.ts`): `GET /health`
 * open to all, every workspace route behind a token whose `sub` is that workspace, signed
 * with that workspace's key (derived from `tokenSecret`, or the one `workspaceKey`).
 *
 * @example
 * const sandbox = await createSandboxServer({ root: "./aura_data/sandbox", tokenSecret, port: 0 });
 * console.log(`sandbox listening on ${sandbox.url}`);
 * await sandbox.close();
 */
export async function createSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const root = path.resolve(options.root);
  const tokens = createTokenVerifier(tokenKeysOf(options));
  const workspaces = createWorkspaces(root);
  const processes = new ProcessGroups();
  const dispatcher = new IdempotentDispatch(new OutcomeStore(root));
  const allowedCommands = parseAllowedCommands(options.allowedCommands);
  const isolation = await prepareIsolation({
    mode: options.isolation ?? "on",
    network: options.network ?? true,
    bwrapPath: options.bwrapPath,
  });
  const commands = createCommandStarter(isolation, processes);

  async function authorize(req: IncomingMessage, workspace: string): Promise<ToolContext> {
    await tokens.authorize(req.headers, workspace);
    return {
      workspace: await workspaces.open(workspace),
      allowedCommands,
      processes,
      isolation,
      commands,
      searchDeadlineMs: options.searchDeadlineMs,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    if (url.pathname === "/health") {
      if (req.method !== "GET") throw notAllowed(req, url);
      sendJson(res, 200, { status: "ok" });
      return;
    }
    const matched = matchRoute(url.pathname);
    if (matched === undefined) {
      throw new SandboxError("not_found", `no route for ${req.method} ${url.pathname}`);
    }
    if (req.method !== ROUTE_METHOD[matched.route]) throw notAllowed(req, url);
    const ctx = await authorize(req, matched.workspace);
    switch (matched.route) {
      case "dispatch":
        return handleDispatch(req, res, ctx, dispatcher);
      case "files":
        return handleFiles(url, res, ctx);
      case "read-file":
        return handleReadFile(url, res, ctx);
      case "commits":
        return handleCommits(url, res, ctx);
      case "git":
        return handleGit(req, res, ctx);
      case "terminal":
        throw new SandboxError("invalid_request", "the terminal route expects a WebSocket upgrade");
    }
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_TERMINAL_FRAME_BYTES });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const matched = matchRoute(url.pathname);
    if (matched?.route !== "terminal") {
      throw new SandboxError("not_found", `no WebSocket route at ${url.pathname}`);
    }
    const ctx = await authorize(req, matched.workspace);
    wss.handleUpgrade(req, socket, head, (ws) => serveTerminal(ws, ctx));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, err));
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrade(req, socket, head).catch((err: unknown) => refuseUpgrade(socket, err));
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = listeningPort(server.address());
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    isolation,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        commands.close();
        processes.killAll();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function tokenKeysOf(options: SandboxServerOptions): SandboxTokenKeys {
  const { tokenSecret, workspaceKey } = options;
  if ((tokenSecret === undefined) === (workspaceKey === undefined)) {
    throw new RangeError("give exactly one of tokenSecret and workspaceKey");
  }
  if (tokenSecret !== undefined) {
    if (tokenSecret.length < 32) throw new RangeError("tokenSecret must be at least 32 characters");
    return { secret: tokenSecret };
  }
  if (workspaceKey === undefined || workspaceKey.key.length < 32) {
    throw new RangeError("workspaceKey.key must be at least 32 bytes");
  }
  return { workspaceKey };
}

function listeningPort(address: AddressInfo | string | null): number {
  if (address === null || typeof address === "string") {
    throw new Error("sandbox server is not listening on a TCP port");
  }
  return address.port;
}

function notAllowed(req: IncomingMessage, url: URL): SandboxError {
  return new SandboxError("method_not_allowed", `${req.method} is not allowed on ${url.pathname}`);
}

/** Answers a refused upgrade with the same JSON error body as any other route, then closes. */
function refuseUpgrade(socket: Duplex, err: unknown): void {
  const known =
    err instanceof SandboxError ? err : new SandboxError("internal", "internal sandbox error");
  if (!(err instanceof SandboxError)) console.error("sandbox: upgrade failed", err);
  const body = JSON.stringify(known.toBody());
  socket.end(
    `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status] ?? "Error"}\r\n` +
      "content-type: application/json; charset=utf-8\r\n" +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
