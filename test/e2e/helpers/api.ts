import { z } from "zod";
import { textToBase64 } from "../../../src/core/base64.js";
import { TxStatus } from "../../../src/protocol/tx.js";

/** A response: its status and its parsed JSON body (`undefined` when not JSON). */
export interface ApiResponse {
  status: number;
  body: unknown;
}

/**
 * A small HTTP client for the Worker's API, sending `token` as a bearer token.
 * @example
 * const { status, body } = await client(stack.url, stack.token).post("/agents", {});
 */
export function client(baseUrl: string, token?: string) {
  async function request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed };
  }
  return {
    get: (path: string) => request("GET", path),
    post: (path: string, body: unknown = {}) => request("POST", path, body),
  };
}

/** Parses `body` with `schema`, failing with the body in the message. */
export function expectShape<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new Error(`unexpected body ${JSON.stringify(body)}: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const Accepted = z.object({ accepted: z.literal(true), tx_id: z.string() });

/**
 * Posts a `user_prompt` (expecting 202) and waits until it is no longer pending; returns its
 * id and final status.
 */
export async function sendPrompt(
  api: ReturnType<typeof client>,
  agentId: string,
  text: string,
): Promise<{ tx_id: string; status: TxStatus }> {
  const sent = await api.post("/tx", {
    agent_id: agentId,
    kind: "user_prompt",
    payload: textToBase64(text),
  });
  if (sent.status !== 202)
    throw new Error(`POST /tx answered ${sent.status}: ${JSON.stringify(sent.body)}`);
  const { tx_id } = expectShape(Accepted, sent.body);
  const status = await eventually(async () => {
    const s = expectShape(TxStatus, (await api.get(`/tx/status/${agentId}/${tx_id}`)).body);
    return s.status === "pending" ? undefined : s;
  });
  return { tx_id, status };
}
