import {
  abortAllDurableObjects,
  createExecutionContext,
  runInDurableObject,
} from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { SignJWT, UnsecuredJWT } from "jose";
import { AgentDO } from "../../durable-objects/agent-do.js";
import { textToBase64 } from "../../src/core/base64.js";
import type { ClientTxType, RecordEntry } from "../../src/core/record.js";
import worker from "../../src/index.js";
import type { AgentHead, VerifyReport } from "../../src/protocol/agents.js";
import type { TxStatus } from "../../src/protocol/tx.js";
import { TEST_JWT_SECRET } from "./test-secret.js";

/** Any origin works: requests go straight to the Worker's `fetch` handler. */
const ORIGIN = "https://aura.test";

/** The claims a test token carries; `exp` is in seconds, one hour ahead unless given. */
export interface TokenClaims {
  org: string;
  sub?: string;
  exp?: number;
}

/**
 * Mints an HS256 token the Worker accepts (or, with another `secret`, one it must refuse).
 *
 * @example
 * const token = await mintToken({ org: "acme" });
 */
export async function mintToken(claims: TokenClaims, secret = TEST_JWT_SECRET): Promise<string> {
  return new SignJWT({ org: claims.org })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub ?? "test-user")
    .setExpirationTime(claims.exp ?? nowSeconds() + 3600)
    .sign(new TextEncoder().encode(secret));
}

/** An `alg: none` token with otherwise valid claims: unsigned, so it must be refused. */
export function unsignedToken(claims: TokenClaims): string {
  return new UnsecuredJWT({ org: claims.org })
    .setSubject(claims.sub ?? "test-user")
    .setExpirationTime(claims.exp ?? nowSeconds() + 3600)
    .encode();
}

/** The current time in whole seconds, as JWT `exp` counts it. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * How a request reaches the Worker. `entrypoint` goes through the Worker's default export as
 * workerd invokes it (`exports.default.fetch`); `handler` calls the same exported `fetch`
 * handler in-process, through the same routes and middleware.
 *
 * `handler` exists for bulk seeding only: in @cloudflare/vitest-pool-workers 0.15.1 every
 * `exports.default`/`SELF` request wraps the entrypoint prototype in one more Proxy
 * (cloudflare/workers-sdk#15092, #15446), so each loopback request in a file is slower than
 * the last and a thousand of them take minutes.
 */
export type Transport = "entrypoint" | "handler";

/** A request to the Worker through its real `fetch` handler and routes. */
export interface CallOptions {
  token?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent verbatim (for malformed bodies). */
  rawBody?: string;
  /** Defaults to `entrypoint`. */
  via?: Transport;
}

/** Calls the Worker; no token means no Authorization header. */
export function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers();
  if (options.token !== undefined) headers.set("authorization", `Bearer ${options.token}`);
  let body: string | undefined;
  if (options.json !== undefined) body = JSON.stringify(options.json);
  if (options.rawBody !== undefined) body = options.rawBody;
  if (body !== undefined) headers.set("content-type", "application/json");
  const request = new Request(`${ORIGIN}${path}`, { method, headers, body });
  if (options.via === "handler") {
    return Promise.resolve(worker.fetch(request, env, createExecutionContext()));
  }
  return exports.default.fetch(request);
}

/** Reads a response body as JSON of the expected shape. */
export async function bodyOf<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** The error body every failure carries. */
export interface ErrorResponse {
  error: { code: string; message: string; details?: unknown };
}

/** A fresh random agent id (64 lowercase hex characters). */
export function randomAgentId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A client transaction for `POST /tx`; `text` is base64-encoded into `payload`. */
export interface TxInput {
  agent_id: string;
  kind: ClientTxType;
  text?: string;
  payload?: string;
  idempotency_key?: string;
}

/** `POST /tx`, returning the raw response. */
export function postTx(token: string, input: TxInput, via?: Transport): Promise<Response> {
  const { text, payload, ...rest } = input;
  return call("POST", "/tx", {
    token,
    json: { ...rest, payload: payload ?? textToBase64(text ?? "") },
    ...(via === undefined ? {} : { via }),
  });
}

/** `POST /tx` that must be accepted; returns the transaction id. */
export async function submitTx(token: string, input: TxInput, via?: Transport): Promise<string> {
  const response = await postTx(token, input, via);
  if (response.status !== 202) {
    throw new Error(`POST /tx answered ${response.status}: ${await response.text()}`);
  }
  return (await bodyOf<{ tx_id: string }>(response)).tx_id;
}

/** `POST /agents` that must succeed; returns the new agent id. */
export async function createAgent(token: string, settings: object = {}): Promise<string> {
  const response = await call("POST", "/agents", { token, json: settings });
  if (response.status !== 201) {
    throw new Error(`POST /agents answered ${response.status}: ${await response.text()}`);
  }
  return (await bodyOf<{ agent_id: string }>(response)).agent_id;
}

/** `GET /agents/:id/head`. */
/**
 * Asks the Worker for `/ws/terminal` with `query` (e.g. `token` and `agent_id`) as a
 * WebSocket upgrade; the response carries the socket when the terminal was opened.
 */
export function upgradeTerminal(query: Record<string, string>): Promise<Response> {
  return exports.default.fetch(
    new Request(`https://aura.test/ws/terminal?${new URLSearchParams(query)}`, {
      headers: { Upgrade: "websocket" },
    }),
  );
}

export async function getHead(token: string, agentId: string): Promise<AgentHead> {
  return bodyOf<AgentHead>(await call("GET", `/agents/${agentId}/head`, { token }));
}

/** `GET /tx/status/:agent_id/:tx_id`. */
export async function getTxStatus(token: string, agentId: string, txId: string): Promise<TxStatus> {
  return bodyOf<TxStatus>(await call("GET", `/tx/status/${agentId}/${txId}`, { token }));
}

/** `GET /agents/:id/record` page. */
export async function getRecord(
  token: string,
  agentId: string,
  query: { from_seq?: number; limit?: number } = {},
): Promise<RecordEntry[]> {
  const params = new URLSearchParams();
  if (query.from_seq !== undefined) params.set("from_seq", String(query.from_seq));
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  const response = await call("GET", `/agents/${agentId}/record?${params}`, { token });
  if (response.status !== 200) {
    throw new Error(`GET record answered ${response.status}: ${await response.text()}`);
  }
  return bodyOf<RecordEntry[]>(response);
}

/** `GET /agents/:id/verify`. */
export async function getVerify(token: string, agentId: string): Promise<VerifyReport> {
  return bodyOf<VerifyReport>(await call("GET", `/agents/${agentId}/verify`, { token }));
}

/**
 * Polls `check` until it returns a value other than `undefined`, for at most `timeoutMs`.
 * Turns run asynchronously after admission, so tests wait for their effect with a bound.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until a transaction is processed (or failed) and returns its final status. */
export function waitForTx(token: string, agentId: string, txId: string): Promise<TxStatus> {
  return waitFor(`tx ${txId.slice(0, 8)} to be processed`, async () => {
    const status = await getTxStatus(token, agentId, txId);
    return status.status === "processed" || status.status === "failed" ? status : undefined;
  });
}

/** Waits until the agent's head reaches `seq`. */
export function waitForHead(
  token: string,
  agentId: string,
  seq: number,
  timeoutMs?: number,
): Promise<AgentHead> {
  return waitFor(
    `head of ${agentId.slice(0, 8)} to reach ${seq}`,
    async () => {
      const head = await getHead(token, agentId);
      return head.head_seq >= seq ? head : undefined;
    },
    timeoutMs,
  );
}

/**
 * A stub for one agent's Durable Object, addressed as the Worker addresses it (org and
 * agent id). Take a fresh stub after {@link evictAgents}: stubs of aborted objects throw.
 */
export function agentStub(org: string, agentId: string): DurableObjectStub<AgentDO> {
  return env.AGENT.get(env.AGENT.idFromName(JSON.stringify([org, agentId])));
}

/**
 * Evicts every Durable Object: in-memory state (caches, in-flight turns, pending promises)
 * is dropped and the next request constructs a new instance over the same SQLite storage,
 * like a deploy or an eviction in production. This pool version has no per-object
 * `evictDurableObject`; `abortAllDurableObjects()` is the eviction primitive — it resets
 * all instances without deleting persisted data (unlike `reset()`).
 */
export async function evictAgents(): Promise<void> {
  await abortAllDurableObjects();
}

/** The text a base64 payload carries. */
export function payloadText(entry: RecordEntry): string {
  const bin = atob(entry.tx.payload);
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/** The JSON object a payload carries (tool records, agent messages, session settings). */
export function payloadJson(entry: RecordEntry): Record<string, unknown> {
  return JSON.parse(payloadText(entry)) as Record<string, unknown>;
}

/** `files_changed` of a finished turn whose tool calls changed no file. */
export const NO_FILES_CHANGED = { created: [], modified: [], deleted: [] };

/**
 * Runs `use` with a fresh `AgentDO` instance over an agent's storage and open sockets — what
 * a wake from hibernation gives: no memory of the instance before, the same SQLite storage,
 * and the hibernated sockets with their attachments.
 */
export async function wakeFreshInstance(
  org: string,
  agentId: string,
  use: (fresh: AgentDO, sockets: WebSocket[]) => Promise<void>,
): Promise<void> {
  const stub = agentStub(org, agentId);
  await runInDurableObject(stub, async (_instance: AgentDO, state) => {
    await use(new AgentDO(state, env), state.getWebSockets());
  });
}

/** `GET /api/read-file` of an agent's workspace, with `token`. */
export function readWorkspaceFile(token: string, agentId: string, path: string): Promise<Response> {
  const query = new URLSearchParams({ agent_id: agentId, path });
  return call("GET", `/api/read-file?${query}`, { token });
}
