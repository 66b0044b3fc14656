import { SignJWT } from "jose";
import type { z } from "zod";
import {
  CommitsResponse,
  type DispatchRequest,
  DispatchResponse,
  FilesResponse,
  type GitRequest,
  GitResponse,
  ReadFileResponse,
  SANDBOX_TOKEN_AUDIENCE,
  SANDBOX_TOKEN_ISSUER,
  SANDBOX_TOKEN_TTL_SECONDS,
} from "../protocol/sandbox.js";
import { SandboxUnavailable, sandboxErrorOf } from "./sandbox-errors.js";
import { WorkspaceKeys } from "./workspace-key.js";

/** Sends one HTTP request to the sandbox (`path` starts with `/`). */
export type SandboxTransport = (path: string, init: RequestInit) => Promise<Response>;

/** A transport to a sandbox at a base URL (`SANDBOX_URL`: the local Node process). */
export function urlTransport(baseUrl: string): SandboxTransport {
  const base = baseUrl.endsWith("/") ? baseUrl.slice(0, -1) : baseUrl;
  return (path, init) => fetch(`${base}${path}`, init);
}

/** Tokens are reused until this many seconds before they expire. */
const TOKEN_REUSE_MARGIN_S = 20;

/**
 * The Worker's side of the sandbox contract (`src/protocol/sandbox.ts`): signs a short-lived
 * token scoped to one workspace for every request, with that workspace's own key derived from
 * `secret` (`workspace-key.ts`), and validates every reply before anything reaches the record.
 * A call that fails throws a `SandboxCallError` (`sandbox-errors.ts`): the sandbox's error
 * answer decoded into a typed error of the Worker's model, or `SandboxUnavailable`.
 *
 * @example
 * const sandbox = new SandboxClient(urlTransport("http://127.0.0.1:8788"), secret);
 * const reply = await sandbox.dispatch(workspace, { action_id, tool: "read_file", args: { path: "a" } });
 */
export class SandboxClient {
  readonly #transport: SandboxTransport;
  readonly #keys: WorkspaceKeys;
  readonly #tokens = new Map<string, { token: string; expires: number }>();

  constructor(transport: SandboxTransport, secret: string) {
    this.#transport = transport;
    this.#keys = new WorkspaceKeys(secret);
  }

  /** Runs one tool call (idempotent by `action_id`). */
  async dispatch(workspace: string, request: DispatchRequest): Promise<DispatchResponse> {
    return this.#call(workspace, "/dispatch", DispatchResponse, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
  }

  /** The workspace's files tree. */
  async files(workspace: string, path: string, depth: number): Promise<FilesResponse> {
    const query = new URLSearchParams({ path, depth: String(depth) });
    return this.#call(workspace, `/files?${query}`, FilesResponse, { method: "GET" });
  }

  /** One file's text. */
  async readFile(workspace: string, path: string): Promise<ReadFileResponse> {
    const query = new URLSearchParams({ path });
    return this.#call(workspace, `/read-file?${query}`, ReadFileResponse, { method: "GET" });
  }

  /** The workspace's `git log` (at most `limit` commits, newest first; `[]` without git). */
  async commits(workspace: string, limit: number): Promise<CommitsResponse> {
    const query = new URLSearchParams({ limit: String(limit) });
    return this.#call(workspace, `/commits?${query}`, CommitsResponse, { method: "GET" });
  }

  /** A clone or a commit of the dev loop, in the workspace (see `GitRequest`). */
  async git(workspace: string, request: GitRequest): Promise<GitResponse> {
    return this.#call(workspace, "/git", GitResponse, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
  }

  /**
   * Opens the workspace's terminal WebSocket; the response carries the socket to hand on.
   * Throws {@link SandboxUnavailable} when the sandbox cannot be reached.
   */
  async terminal(workspace: string): Promise<Response> {
    const headers = {
      Upgrade: "websocket",
      authorization: `Bearer ${await this.token(workspace)}`,
    };
    try {
      return await this.#transport(`/v1/workspaces/${workspace}/terminal`, {
        method: "GET",
        headers,
      });
    } catch (err) {
      throw new SandboxUnavailable(`sandbox unreachable: ${(err as Error).message}`);
    }
  }

  /**
   * A token for `workspace`, valid for {@link SANDBOX_TOKEN_TTL_SECONDS}, signed with the
   * workspace's derived key.
   */
  async token(workspace: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const cached = this.#tokens.get(workspace);
    if (cached && cached.expires - TOKEN_REUSE_MARGIN_S > now) return cached.token;
    const expires = now + SANDBOX_TOKEN_TTL_SECONDS;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(workspace)
      .setAudience(SANDBOX_TOKEN_AUDIENCE)
      .setIssuer(SANDBOX_TOKEN_ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(expires)
      .sign(await this.#keys.of(workspace));
    if (this.#tokens.size > 1000) this.#tokens.clear();
    this.#tokens.set(workspace, { token, expires });
    return token;
  }

  async #call<T>(
    workspace: string,
    route: string,
    schema: z.ZodType<T>,
    init: RequestInit,
  ): Promise<T> {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${await this.token(workspace)}`);
    let response: Response;
    try {
      response = await this.#transport(`/v1/workspaces/${workspace}${route}`, {
        ...init,
        headers,
      });
    } catch (err) {
      throw new SandboxUnavailable(`sandbox unreachable: ${(err as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw sandboxErrorOf(response.status, text);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new SandboxUnavailable("the sandbox's reply is not JSON");
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new SandboxUnavailable(`sandbox reply outside the contract: ${parsed.error.message}`);
    }
    return parsed.data;
  }
}
