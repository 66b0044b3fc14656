import { z } from "zod";
import { AgentStatus, type ClientTxType, RecordEntry } from "../../../src/core/record.js";
import {
  AgentHead,
  AgentSummary,
  type CreateAgentRequest,
  VerifyReport,
} from "../../../src/protocol/agents.js";
import { FilesResponse, ReadFileResponse } from "../../../src/protocol/sandbox.js";
import { TxStatus } from "../../../src/protocol/tx.js";
import { ApiError } from "./api-error.js";

/** One row of `GET /agents`; `name` when the server reports it (older servers do not). */
export const AgentRow = AgentSummary.extend({ name: z.string().optional() });
export type AgentRow = z.infer<typeof AgentRow>;

/** One tool call waiting for a person (`GET /agents/:id/approvals`). */
export const PendingApproval = z.object({
  tool_use_id: z.string(),
  tool: z.string(),
  args: z.unknown(),
  reason: z.string(),
});
export type PendingApproval = z.infer<typeof PendingApproval>;

const Health = z.object({ status: z.string(), version: z.string().optional() });
const Created = z.object({ agent_id: z.string() });
const Accepted = z.object({ accepted: z.literal(true), tx_id: z.string() });
const StatusReply = z.object({ agent_id: z.string(), status: AgentStatus });
const Approvals = z.object({ agent_id: z.string(), approvals: z.array(PendingApproval) });
const Answered = z.object({
  agent_id: z.string(),
  tool_use_id: z.string(),
  approved: z.boolean(),
  seq: z.number().int(),
});

/** Most entries one `GET /agents/:id/record` page returns. */
export const RECORD_PAGE = 1000;

/**
 * A typed client of the HTTP API (SPEC §5, docs/protocol.md). Every reply is checked with
 * the protocol's zod schemas; every failure is an {@link ApiError} with a stable `code`.
 *
 * @example
 * const api = new HttpClient("http://127.0.0.1:8787", token);
 * const { agent_id } = await api.createAgent({ name: "hello" });
 * const { tx_id } = await api.submitTx(agent_id, "user_prompt", "hi");
 */
export class HttpClient {
  readonly url: string;
  /** The bearer token, for the `/stream` socket of the same server. */
  readonly token: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  /** `timeoutMs` bounds each request (default 30 s): a server that never answers is a `network_error`. */
  constructor(url: string, token: string, fetchImpl: typeof fetch = fetch, timeoutMs = 30_000) {
    this.url = url.replace(/\/+$/, "");
    this.token = token;
    this.#fetch = fetchImpl;
    this.#timeoutMs = timeoutMs;
  }

  /** `GET /health` (no token needed). */
  health() {
    return this.#call("GET", "/health", Health);
  }

  /** Every agent of the caller's org, following the `after` pages. */
  async listAgents(): Promise<AgentRow[]> {
    const all: AgentRow[] = [];
    let after: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ limit: "1000", ...(after ? { after } : {}) });
      const page = await this.#call("GET", `/agents?${query}`, z.array(AgentRow));
      all.push(...page);
      if (page.length < 1000) return all;
      after = page[page.length - 1]?.agent_id;
    }
  }

  /** `POST /agents` → the new agent's id. */
  createAgent(request: CreateAgentRequest = {}) {
    return this.#call("POST", "/agents", Created, request);
  }

  /** `POST /tx` with `text` as the payload (UTF-8, base64-encoded here). */
  submitTx(agentId: string, kind: ClientTxType, text: string, idempotencyKey?: string) {
    return this.#call("POST", "/tx", Accepted, {
      agent_id: agentId,
      kind,
      payload: Buffer.from(text, "utf8").toString("base64"),
      ...(idempotencyKey === undefined ? {} : { idempotency_key: idempotencyKey }),
    });
  }

  /** `GET /tx/status/:agent_id/:tx_id`. */
  txStatus(agentId: string, txId: string) {
    return this.#call("GET", `/tx/status/${enc(agentId)}/${enc(txId)}`, TxStatus);
  }

  /** `GET /agents/:id/head`. */
  head(agentId: string) {
    return this.#call("GET", `/agents/${enc(agentId)}/head`, AgentHead);
  }

  /** One page of the record: entries from `fromSeq` on, at most `limit` (≤ 1000). */
  record(agentId: string, fromSeq = 1, limit = 100) {
    const query = new URLSearchParams({ from_seq: String(fromSeq), limit: String(limit) });
    return this.#call("GET", `/agents/${enc(agentId)}/record?${query}`, z.array(RecordEntry));
  }

  /**
   * Every entry from `fromSeq` to the head, page by page.
   *
   * @example
   * for await (const entry of api.recordFrom(id, 1)) console.log(entry.seq);
   */
  async *recordFrom(agentId: string, fromSeq = 1): AsyncGenerator<RecordEntry> {
    let next = fromSeq;
    for (;;) {
      const page = await this.record(agentId, next, RECORD_PAGE);
      yield* page;
      if (page.length < RECORD_PAGE) return;
      next = (page[page.length - 1]?.seq ?? next) + 1;
    }
  }

  /** `GET /agents/:id/verify`. */
  verify(agentId: string) {
    return this.#call("GET", `/agents/${enc(agentId)}/verify`, VerifyReport);
  }

  /** `POST /agents/:id/fork` → the fork's id. */
  fork(agentId: string, atSeq: number) {
    return this.#call("POST", `/agents/${enc(agentId)}/fork`, Created, { at_seq: atSeq });
  }

  /** `POST /agents/:id/pause`. */
  pause(agentId: string) {
    return this.#call("POST", `/agents/${enc(agentId)}/pause`, StatusReply);
  }

  /** `POST /agents/:id/resume`. */
  resume(agentId: string) {
    return this.#call("POST", `/agents/${enc(agentId)}/resume`, StatusReply);
  }

  /** `GET /api/files`: the agent's workspace tree. */
  files(agentId: string, path = ".", depth = 3) {
    const query = new URLSearchParams({ agent_id: agentId, path, depth: String(depth) });
    return this.#call("GET", `/api/files?${query}`, FilesResponse);
  }

  /** `GET /api/read-file`: one workspace file's text. */
  readFile(agentId: string, path: string) {
    const query = new URLSearchParams({ agent_id: agentId, path });
    return this.#call("GET", `/api/read-file?${query}`, ReadFileResponse);
  }

  /** `GET /agents/:id/approvals`: the tool calls waiting for a person. */
  approvals(agentId: string) {
    return this.#call("GET", `/agents/${enc(agentId)}/approvals`, Approvals);
  }

  /** `POST /agents/:id/approvals/:tool_use_id`: approves or denies one waiting call. */
  answerApproval(agentId: string, toolUseId: string, approved: boolean) {
    const path = `/agents/${enc(agentId)}/approvals/${enc(toolUseId)}`;
    return this.#call("POST", path, Answered, { approved });
  }

  async #call<T extends z.ZodType>(
    method: "GET" | "POST",
    path: string,
    schema: T,
    body?: unknown,
  ): Promise<z.infer<T>> {
    const target = `${this.url}${path}`;
    let response: Response;
    try {
      response = await this.#fetch(target, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === "TimeoutError";
      const why = timedOut
        ? `no answer in ${this.#timeoutMs} ms`
        : err instanceof Error
          ? (causeOf(err) ?? err.message)
          : String(err);
      throw new ApiError("network_error", `cannot reach ${this.url} (${why})`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) throw ApiError.fromReply(response.status, json);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "";
      throw new ApiError("bad_response", `${method} ${path}: unexpected reply (${where})`);
    }
    return parsed.data;
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function causeOf(err: Error): string | undefined {
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) return (cause as { code?: string }).code ?? cause.message;
  return undefined;
}
