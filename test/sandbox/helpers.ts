import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { SignJWT } from "jose";
import { createSandboxServer, type SandboxServer } from "../../sandbox/src/server.js";
import {
  DispatchResponse,
  SANDBOX_TOKEN_AUDIENCE,
  SANDBOX_TOKEN_ISSUER,
} from "../../src/protocol/sandbox.js";
import { deriveWorkspaceKey } from "../../src/tools/workspace-key.js";

/** The secret every test server verifies tokens with. */
export const TEST_SECRET = "sandbox-test-secret-0123456789abcdef";

/** A fresh workspace id (64 lowercase hex). */
export function newWorkspaceId(): string {
  return randomBytes(32).toString("hex");
}

/**
 * Signs a sandbox token for `sub`, valid for `ttlSeconds` (negative: already expired), with
 * `key`, by default the key the Worker would use: `sub`'s key derived from `secret`.
 */
export async function signToken(
  sub: string,
  {
    secret = TEST_SECRET,
    ttlSeconds = 60,
    key,
  }: { secret?: string; ttlSeconds?: number; key?: Uint8Array } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setAudience(SANDBOX_TOKEN_AUDIENCE)
    .setIssuer(SANDBOX_TOKEN_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(key ?? (await deriveWorkspaceKey(secret, sub)));
}

/** A running test server with its temporary data directory. */
export interface TestSandbox {
  server: SandboxServer;
  /** The data directory (`root` option). */
  root: string;
  /** Removes the data directory after closing the server. */
  stop(): Promise<void>;
}

/** Starts a server on a free port over a fresh temporary data directory. */
export async function startSandbox(
  options: {
    allowedCommands?: string[];
    root?: string;
    /** Serve this workspace only, with this key, instead of deriving keys from TEST_SECRET. */
    workspaceKey?: { workspace: string; key: Uint8Array };
    /** The `search_code` deadline (default 10 s). */
    searchDeadlineMs?: number;
  } = {},
): Promise<TestSandbox> {
  const root = options.root ?? (await mkdtemp(path.join(tmpdir(), "aura-sandbox-")));
  const server = await createSandboxServer({
    root,
    ...(options.workspaceKey
      ? { workspaceKey: options.workspaceKey }
      : { tokenSecret: TEST_SECRET }),
    allowedCommands: options.allowedCommands,
    searchDeadlineMs: options.searchDeadlineMs,
    port: 0,
  });
  return {
    server,
    root,
    async stop() {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A client for one workspace of a test server. */
export interface WorkspaceClient {
  id: string;
  /** The workspace directory on disk. */
  dir: string;
  token: string;
  /** Dispatches a tool (a fresh action id unless given) and parses the reply. */
  dispatch(
    tool: string,
    args: Record<string, unknown>,
    actionId?: string,
  ): Promise<DispatchResponse>;
  /** GET on a workspace route (`files?…`, `read-file?…`), parsed JSON. */
  get(route: string): Promise<{ status: number; body: unknown }>;
}

let actions = 0;

/** Opens a client for a fresh (or the given) workspace of `sandbox`. */
export async function workspaceClient(
  sandbox: TestSandbox,
  id = newWorkspaceId(),
): Promise<WorkspaceClient> {
  const token = await signToken(id);
  const base = `${sandbox.server.url}/v1/workspaces/${id}`;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  return {
    id,
    token,
    dir: path.join(sandbox.root, "workspaces", id),
    async dispatch(tool, args, actionId = `test-${process.pid}-${++actions}`) {
      const res = await fetch(`${base}/dispatch`, {
        method: "POST",
        headers,
        body: JSON.stringify({ action_id: actionId, tool, args }),
      });
      const body: unknown = await res.json();
      if (res.status !== 200)
        throw new Error(`dispatch ${tool}: ${res.status} ${JSON.stringify(body)}`);
      return DispatchResponse.parse(body);
    },
    async get(route) {
      const res = await fetch(`${base}/${route}`, { headers });
      return { status: res.status, body: await res.json() };
    },
  };
}

/** True when no process with `pid` runs (a zombie awaiting its reaper counts as gone). */
export async function isGone(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}
