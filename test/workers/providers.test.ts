import { beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createAnthropicProvider } from "../../src/reasoner/anthropic.js";
import type { CallTuning } from "../../src/reasoner/messages-provider.js";
import { createProxyProvider } from "../../src/reasoner/proxy.js";
import { selectProvider } from "../../src/reasoner/select-provider.js";
import {
  type ModelCallContext,
  ModelError,
  type ModelRequest,
  type ModelStreamEvent,
} from "../../src/reasoner/types.js";
import { fakeAnthropic } from "./fake-anthropic.js";
import { TEST_JWT_SECRET } from "./test-secret.js";

const REQUEST: ModelRequest = {
  model: "claude-test",
  system: "You are terse.",
  messages: [{ role: "user", content: [{ type: "text", text: "Read a.txt" }] }],
  max_tokens: 512,
};

/** Waits asked for, resolved at once: the retry tests run in milliseconds. */
function recordingSleep(): { sleep: CallTuning["sleep"] & object; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
}

function direct(tuning: CallTuning = {}) {
  return createAnthropicProvider({
    apiKey: "sk-fake",
    baseURL: fakeAnthropic.url,
    sleep: recordingSleep().sleep,
    ...tuning,
  });
}

async function modelError(promise: Promise<unknown>): Promise<ModelError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ModelError) return err;
    throw err;
  }
  throw new Error("expected a ModelError");
}

const TOOL_REPLY = {
  kind: "reply" as const,
  content: [
    { type: "thinking" as const, thinking: "The user wants a file.", signature: "sig-abc" },
    { type: "text" as const, text: "Reading a.txt now." },
    {
      type: "tool_use" as const,
      id: "toolu_01",
      name: "read_file",
      input: { path: "a.txt", start_line: 1, end_line: 20 },
    },
  ],
  usage: { input_tokens: 40, output_tokens: 25 },
};

beforeEach(() => fakeAnthropic.reset());

describe("anthropic provider: responses", () => {
  it("given a JSON call, when the fake answers, then the response maps back with one recorded attempt", async () => {
    await fakeAnthropic.script([TOOL_REPLY]);
    const response = await direct({ stream: false }).complete(REQUEST);
    expect(response).toEqual({
      model: "claude-test",
      content: TOOL_REPLY.content,
      stop_reason: "tool_use",
      usage: { input_tokens: 40, output_tokens: 25 },
      attempts: [{ attempt: 1, model: "claude-test", ok: true }],
    });
  });

  it("given a request with system, tools and a thinking budget, when sent, then the wire body carries a cache-controlled system block and thinking enabled", async () => {
    await direct().complete({
      ...REQUEST,
      tools: [
        {
          name: "read_file",
          description: "Reads a file",
          input_schema: { type: "object", properties: { path: { type: "string" } } },
        },
      ],
      thinking_budget: 2048,
    });
    const [seen] = await fakeAnthropic.requests();
    expect(seen?.path).toBe("/v1/messages");
    expect(seen?.headers.authorization).toBe("Bearer sk-fake");
    expect(seen?.body).toMatchObject({
      model: "claude-test",
      stream: true,
      max_tokens: 512,
      system: [{ type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } }],
      thinking: { type: "enabled", budget_tokens: 2048 },
      tools: [{ name: "read_file", input_schema: { type: "object" } }],
      messages: [{ role: "user", content: [{ type: "text", text: "Read a.txt" }] }],
    });
  });

  it("given a streamed answer, when it arrives, then thinking and text deltas and the tool_use start are forwarded in order and the tool input is parsed", async () => {
    await fakeAnthropic.script([TOOL_REPLY]);
    const events: ModelStreamEvent[] = [];
    const response = await direct().complete(REQUEST, { onEvent: (e) => events.push(e) });

    expect(response.content).toEqual(TOOL_REPLY.content);
    expect(response.stop_reason).toBe("tool_use");
    expect(response.usage).toEqual({ input_tokens: 40, output_tokens: 25 });
    const kinds = events.map((e) => e.type);
    expect(kinds.filter((k) => k === "thinking_delta").length).toBeGreaterThan(1);
    expect(kinds.filter((k) => k === "text_delta").length).toBeGreaterThan(1);
    expect(kinds.lastIndexOf("thinking_delta")).toBeLessThan(kinds.indexOf("text_delta"));
    expect(events.at(-1)).toEqual({ type: "tool_use_start", id: "toolu_01", name: "read_file" });
    const text = events.map((e) => (e.type === "text_delta" ? e.text : "")).join("");
    expect(text).toBe("Reading a.txt now.");
    const [seen] = await fakeAnthropic.requests();
    expect(seen?.body.stream).toBe(true);
  });

  it("given no AURA_ANTHROPIC_MODEL, when asked for its default model, then it is claude-opus-4-6, and a request for it is sent as such", async () => {
    const provider = direct({});
    expect(provider.defaultModel).toBe("claude-opus-4-6");
    await provider.complete({ ...REQUEST, model: provider.defaultModel });
    const [seen] = await fakeAnthropic.requests();
    expect(seen?.body.model).toBe("claude-opus-4-6");
  });
});

describe("anthropic provider: retries", () => {
  it("given a 429 with retry-after 2, when called, then it waits 2 s as asked and the retry succeeds", async () => {
    await fakeAnthropic.script([
      { kind: "error", status: 429, retry_after: "2" },
      { kind: "reply" },
    ]);
    const { sleep, waits } = recordingSleep();
    const response = await direct({ sleep }).complete(REQUEST);
    expect(waits).toEqual([2000]);
    expect(response.attempts).toEqual([
      {
        attempt: 1,
        model: "claude-test",
        ok: false,
        http_status: 429,
        error: expect.stringMatching(/^rate_limited: /),
        retry_after_ms: 2000,
      },
      { attempt: 2, model: "claude-test", ok: true },
    ]);
  });

  it("given two 529s, when called, then it backs off 1 s then 2 s and the third attempt succeeds", async () => {
    await fakeAnthropic.script([
      { kind: "error", status: 529 },
      { kind: "error", status: 529 },
      { kind: "reply", content: [{ type: "text", text: "finally" }] },
    ]);
    const { sleep, waits } = recordingSleep();
    const response = await direct({ sleep }).complete(REQUEST);
    expect(waits).toEqual([1000, 2000]);
    expect(response.content).toEqual([{ type: "text", text: "finally" }]);
    expect(response.attempts?.map((a) => [a.ok, a.http_status, a.retry_after_ms])).toEqual([
      [false, 529, 1000],
      [false, 529, 2000],
      [true, undefined, undefined],
    ]);
    expect(await fakeAnthropic.requests()).toHaveLength(3);
  });

  it("given a 500 on every attempt and no fallback, when called, then it fails after three attempts", async () => {
    await fakeAnthropic.script([
      { kind: "error", status: 500 },
      { kind: "error", status: 500 },
      { kind: "error", status: 500 },
    ]);
    const err = await modelError(direct().complete(REQUEST));
    expect(err.code).toBe("llm_error");
    expect(err.attempts).toHaveLength(3);
    expect(err.attempts.at(-1)?.retry_after_ms).toBeUndefined();
  });

  it("given a 402, when called, then it fails as insufficient_credits after one attempt", async () => {
    await fakeAnthropic.script([{ kind: "error", status: 402 }, { kind: "reply" }]);
    const err = await modelError(direct().complete(REQUEST));
    expect(err.code).toBe("insufficient_credits");
    expect(err.attempts).toEqual([
      { attempt: 1, model: "claude-test", ok: false, http_status: 402, error: expect.any(String) },
    ]);
    expect(await fakeAnthropic.requests()).toHaveLength(1);
  });

  it("given a 401, when called, then it fails as unauthorized without a retry", async () => {
    await fakeAnthropic.script([{ kind: "error", status: 401 }]);
    const err = await modelError(direct().complete(REQUEST));
    expect(err.code).toBe("unauthorized");
    expect(err.attempts).toHaveLength(1);
  });

  it("given a 400, when called, then it fails as invalid_request without a retry", async () => {
    await fakeAnthropic.script([{ kind: "error", status: 400, message: "max_tokens: too large" }]);
    const err = await modelError(direct().complete(REQUEST));
    expect(err.code).toBe("invalid_request");
    expect(err.message).toContain("max_tokens: too large");
    expect(err.attempts).toHaveLength(1);
  });

  it("given the primary model overloaded on every attempt, when a fallback is configured, then the fallback model answers", async () => {
    await fakeAnthropic.script([
      { kind: "error", status: 529 },
      { kind: "error", status: 529 },
      { kind: "error", status: 529 },
      { kind: "reply" },
    ]);
    const response = await direct({ fallbackModel: "claude-fallback" }).complete(REQUEST);
    expect(response.model).toBe("claude-fallback");
    expect(response.attempts?.map((a) => [a.model, a.ok])).toEqual([
      ["claude-test", false],
      ["claude-test", false],
      ["claude-test", false],
      ["claude-fallback", true],
    ]);
    const models = (await fakeAnthropic.requests()).map((r) => r.body.model);
    expect(models).toEqual(["claude-test", "claude-test", "claude-test", "claude-fallback"]);
  });

  it("given rate limits on every attempt, when a fallback is configured, then the fallback is not tried", async () => {
    await fakeAnthropic.script([
      { kind: "error", status: 429, retry_after: "1" },
      { kind: "error", status: 429, retry_after: "1" },
      { kind: "error", status: 429, retry_after: "1" },
    ]);
    const err = await modelError(direct({ fallbackModel: "claude-fallback" }).complete(REQUEST));
    expect(err.code).toBe("rate_limited");
    expect(err.attempts.map((a) => a.model)).toEqual(["claude-test", "claude-test", "claude-test"]);
  });
});

describe("anthropic provider: timeouts and cut streams", () => {
  it("given an answer slower than the timeout, when called, then it fails as timeout", async () => {
    await fakeAnthropic.script([{ kind: "reply", delay_ms: 3000 }]);
    const started = Date.now();
    const err = await modelError(direct({ timeoutMs: 200 }).complete(REQUEST));
    expect(err.code).toBe("timeout");
    expect(err.attempts).toEqual([
      { attempt: 1, model: "claude-test", ok: false, error: expect.stringMatching(/^timeout: /) },
    ]);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("given a stream cut after text was forwarded, when called, then it fails as stream_interrupted with nothing returned and no retry", async () => {
    await fakeAnthropic.script([
      {
        kind: "cut",
        after_events: 5,
        reply: { content: [{ type: "text", text: "This answer is cut in half" }] },
      },
      { kind: "reply" },
    ]);
    const events: ModelStreamEvent[] = [];
    const err = await modelError(direct().complete(REQUEST, { onEvent: (e) => events.push(e) }));
    expect(err.code).toBe("stream_interrupted");
    expect(events.length).toBeGreaterThan(0);
    expect(err.attempts).toEqual([
      {
        attempt: 1,
        model: "claude-test",
        ok: false,
        error: expect.stringMatching(/^stream_interrupted: /),
      },
    ]);
    expect(await fakeAnthropic.requests()).toHaveLength(1);
  });

  it("given a stream cut before any content, when called, then the retry's answer is returned", async () => {
    await fakeAnthropic.script([
      { kind: "cut", after_events: 2 },
      { kind: "reply", content: [{ type: "text", text: "second try" }] },
    ]);
    const { sleep, waits } = recordingSleep();
    const events: ModelStreamEvent[] = [];
    const response = await direct({ sleep }).complete(REQUEST, {
      onEvent: (e) => events.push(e),
    });
    expect(response.content).toEqual([{ type: "text", text: "second try" }]);
    expect(response.attempts?.map((a) => a.error?.split(":")[0] ?? "ok")).toEqual([
      "stream_interrupted",
      "ok",
    ]);
    expect(waits).toEqual([1000]);
    expect(events.map((e) => (e.type === "text_delta" ? e.text : "")).join("")).toBe("second try");
  });

  it("given a cancelled signal, when called, then it fails as cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await modelError(direct().complete(REQUEST, { signal: controller.signal }));
    expect(err.code).toBe("cancelled");
  });
});

describe("proxy provider", () => {
  const CONTEXT: ModelCallContext = {
    agent_id: "agent-7",
    org_id: "acme",
    session_id: "session-3",
    project_id: "project-9",
  };

  it("given a caller JWT and context, when called, then the router gets the bearer JWT and every X-Aura header", async () => {
    const jwt = await fakeAnthropic.routerToken();
    const provider = createProxyProvider({ routerUrl: fakeAnthropic.routerUrl, model: "m-proxy" });
    const response = await provider.complete(REQUEST, { context: { ...CONTEXT, jwt } });
    expect(response.content).toEqual([{ type: "text", text: "Fake reply." }]);
    const [seen] = await fakeAnthropic.requests();
    expect(seen?.path).toBe("/router/v1/messages");
    expect(seen?.headers).toMatchObject({
      authorization: `Bearer ${jwt}`,
      "x-aura-agent-id": "agent-7",
      "x-aura-session-id": "session-3",
      "x-aura-org-id": "acme",
      "x-aura-project-id": "project-9",
    });
  });

  it("given a context without a JWT, when called, then the configured router JWT is sent", async () => {
    const jwt = await fakeAnthropic.routerToken();
    const provider = createProxyProvider({ routerUrl: fakeAnthropic.routerUrl, jwt });
    await provider.complete(REQUEST, { context: CONTEXT });
    const [seen] = await fakeAnthropic.requests();
    expect(seen?.headers.authorization).toBe(`Bearer ${jwt}`);
  });

  it("given a JWT the router does not accept, when called, then it fails as unauthorized after one attempt", async () => {
    const jwt = await fakeAnthropic.routerToken("not-the-router-secret-0123456789abcdef");
    const provider = createProxyProvider({ routerUrl: fakeAnthropic.routerUrl });
    const err = await modelError(provider.complete(REQUEST, { context: { ...CONTEXT, jwt } }));
    expect(err.code).toBe("unauthorized");
    expect(err.attempts).toEqual([
      { attempt: 1, model: "claude-test", ok: false, http_status: 401, error: expect.any(String) },
    ]);
  });

  it("given no JWT anywhere, when called, then it fails as unauthorized without a request", async () => {
    const provider = createProxyProvider({ routerUrl: fakeAnthropic.routerUrl });
    const err = await modelError(provider.complete(REQUEST, { context: CONTEXT }));
    expect(err.code).toBe("unauthorized");
    expect(await fakeAnthropic.requests()).toHaveLength(0);
  });

  it("given an overloaded router, when called, then the shared retries apply", async () => {
    await fakeAnthropic.script([{ kind: "error", status: 529 }, { kind: "reply" }]);
    const { sleep, waits } = recordingSleep();
    const jwt = await fakeAnthropic.routerToken();
    const provider = createProxyProvider({ routerUrl: fakeAnthropic.routerUrl, sleep });
    const response = await provider.complete(REQUEST, { context: { ...CONTEXT, jwt } });
    expect(waits).toEqual([1000]);
    expect(response.attempts).toHaveLength(2);
  });
});

describe("selectProvider against the fakes", () => {
  it("given AURA_LLM_ROUTING=direct with the fake's base URL, when selected, then the provider answers through it", async () => {
    const provider = selectProvider(
      loadConfig({
        AURA_JWT_SECRET: TEST_JWT_SECRET,
        AURA_LLM_ROUTING: "direct",
        AURA_ANTHROPIC_API_KEY: "sk-config",
        AURA_ANTHROPIC_BASE_URL: fakeAnthropic.url,
        AURA_ANTHROPIC_MODEL: "claude-config",
      }),
    );
    expect(provider.defaultModel).toBe("claude-config");
    const response = await provider.complete({ ...REQUEST, model: provider.defaultModel });
    expect(provider.name).toBe("anthropic");
    expect(response.model).toBe("claude-config");
    const [seen] = await fakeAnthropic.requests();
    expect(seen?.headers.authorization).toBe("Bearer sk-config");
  });

  it("given AURA_LLM_ROUTING=proxy with the fake router and AURA_ROUTER_JWT, when selected, then the provider answers through the router", async () => {
    const provider = selectProvider(
      loadConfig({
        AURA_JWT_SECRET: TEST_JWT_SECRET,
        AURA_LLM_ROUTING: "proxy",
        AURA_ROUTER_URL: fakeAnthropic.routerUrl,
        AURA_ROUTER_JWT: await fakeAnthropic.routerToken(),
      }),
    );
    const response = await provider.complete(REQUEST, {
      context: { agent_id: "a", org_id: "o", session_id: "s", project_id: "p" },
    });
    expect(provider.name).toBe("proxy");
    expect(response.stop_reason).toBe("end_turn");
  });
});
