import { SignJWT } from "jose";
import { inject } from "vitest";

/** A reply the fake sends: text, thinking and tool_use blocks. */
export interface FakeReply {
  content?: (
    | { type: "text"; text: string }
    | { type: "thinking"; thinking: string; signature?: string }
    | { type: "tool_use"; id: string; name: string; input: unknown }
  )[];
  stop_reason?: string;
  usage?: { input_tokens?: number; output_tokens?: number };
  model?: string;
}

/** One scripted outcome of the fake (see `scripts/fake-anthropic/server.mjs`). */
export type FakeOutcome = { delay_ms?: number } & (
  | ({ kind: "reply" } & FakeReply)
  | { kind: "error"; status: number; message?: string; retry_after?: string }
  | { kind: "cut"; after_events: number; reply?: FakeReply }
);

/** A model call the fake received. */
export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/**
 * The fake Anthropic API the global setup started, driven over its control routes.
 *
 * @example
 * await fakeAnthropic.script([{ kind: "error", status: 529 }, { kind: "reply" }]);
 * const provider = createAnthropicProvider({ apiKey: "test", baseURL: fakeAnthropic.url });
 */
export const fakeAnthropic = {
  get url(): string {
    return inject("fakeAnthropicUrl");
  },
  get routerUrl(): string {
    return inject("fakeRouterUrl");
  },
  /** Replaces the queue of outcomes the next model calls get. */
  async script(outcomes: FakeOutcome[]): Promise<void> {
    await control("POST", "/__script", outcomes);
  },
  /** Empties the queue and the request log. */
  async reset(): Promise<void> {
    await control("POST", "/__reset");
  },
  /** Every model call received since the last reset. */
  async requests(): Promise<FakeRequest[]> {
    return (await control("GET", "/__requests")) as FakeRequest[];
  },
  /** A JWT the fake router accepts (or, with `secret`, one it refuses). */
  routerToken(secret: string = inject("fakeRouterSecret")): Promise<string> {
    return new SignJWT({ org: "acme" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("user-1")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(secret));
  },
};

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${inject("fakeAnthropicUrl")}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`fake Anthropic ${method} ${path}: ${res.status}`);
  return res.json();
}
