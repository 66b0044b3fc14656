import Anthropic from "@anthropic-ai/sdk";
import { SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeAnthropic } from "./server.mjs";

const ROUTER_SECRET = "router-secret-0123456789abcdef0123456789";
const REQUEST = {
  model: "claude-test",
  max_tokens: 256,
  messages: [{ role: /** @type {const} */ ("user"), content: "hello" }],
};

/** @type {import("./server.mjs").FakeAnthropic} */
let fake;
/** @type {Anthropic} */
let client;

beforeAll(async () => {
  fake = await startFakeAnthropic({ routerSecret: ROUTER_SECRET });
  client = new Anthropic({ apiKey: "test-key", baseURL: fake.url, maxRetries: 0 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

/**
 * @param {string} secret
 */
function routerToken(secret) {
  return new SignJWT({ org: "acme" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("user-1")
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(secret));
}

const AURA = {
  "X-Aura-Agent-Id": "agent-1",
  "X-Aura-Session-Id": "session-1",
  "X-Aura-Org-Id": "acme",
  "X-Aura-Project-Id": "project-1",
};

/**
 * The error a promise rejects with.
 * @param {Promise<unknown>} promise
 * @returns {Promise<unknown>}
 */
async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("fake Anthropic: JSON responses through the real SDK", () => {
  it("given an empty script, when a message is created, then a text reply comes back", async () => {
    const message = await client.messages.create(REQUEST);
    expect(message.role).toBe("assistant");
    expect(message.model).toBe("claude-test");
    expect(message.content).toEqual([{ type: "text", text: "Fake reply." }]);
    expect(message.stop_reason).toBe("end_turn");
  });

  it("given a scripted thinking, text and tool_use reply, when created, then the SDK sees every block", async () => {
    fake.script([
      {
        kind: "reply",
        content: [
          { type: "thinking", thinking: "Let me look.", signature: "sig-1" },
          { type: "text", text: "Reading it." },
          { type: "tool_use", id: "toolu_1", name: "read_file", input: { path: "a.txt" } },
        ],
        usage: { input_tokens: 12, output_tokens: 34 },
      },
    ]);
    const message = await client.messages.create(REQUEST);
    expect(message.content.map((b) => b.type)).toEqual(["thinking", "text", "tool_use"]);
    expect(message.content[2]).toMatchObject({ name: "read_file", input: { path: "a.txt" } });
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({ input_tokens: 12, output_tokens: 34 });
  });

  it("given a request, when it arrives, then /__requests shows its headers and body", async () => {
    await client.messages.create(REQUEST);
    const res = await fetch(`${fake.url}/__requests`);
    const [seen] = await res.json();
    expect(seen.path).toBe("/v1/messages");
    expect(seen.headers.authorization).toBe("Bearer test-key");
    expect(seen.body).toMatchObject({ model: "claude-test", max_tokens: 256 });
  });
});

describe("fake Anthropic: streaming through the real SDK", () => {
  it("given a scripted reply, when streamed, then text, thinking, signature and tool input arrive as deltas and assemble", async () => {
    fake.script([
      {
        kind: "reply",
        content: [
          { type: "thinking", thinking: "Plan: read the file.", signature: "sig-2" },
          { type: "text", text: "I will read the file now." },
          { type: "tool_use", id: "toolu_2", name: "read_file", input: { path: "src/a.ts", n: 3 } },
        ],
      },
    ]);
    const stream = client.messages.stream(REQUEST);
    /** @type {string[]} */
    const kinds = [];
    let pieces = 0;
    stream.on("streamEvent", (event) => {
      kinds.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") pieces++;
    });
    const message = await stream.finalMessage();
    expect(kinds[0]).toBe("message_start");
    expect(kinds.at(-1)).toBe("message_stop");
    expect(kinds).toContain("message_delta");
    expect(pieces).toBeGreaterThan(1);
    expect(message.content).toEqual([
      { type: "thinking", thinking: "Plan: read the file.", signature: "sig-2" },
      { type: "text", text: "I will read the file now." },
      { type: "tool_use", id: "toolu_2", name: "read_file", input: { path: "src/a.ts", n: 3 } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
  });

  it("given the raw event stream, when read, then a ping follows message_start and message_stop ends it", async () => {
    const raw = await fetch(`${fake.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "k", "content-type": "application/json" },
      body: JSON.stringify({ ...REQUEST, stream: true }),
    });
    expect(raw.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = (await raw.text()).trim().split("\n\n");
    expect(events[0]).toMatch(/^event: message_start\n/);
    expect(events[1]).toMatch(/^event: ping\n/);
    expect(events.at(-1)).toMatch(/^event: message_stop\n/);
  });

  it("given a stream cut after three events, when streamed, then the SDK fails", async () => {
    fake.script([
      { kind: "cut", after_events: 3, reply: { content: [{ type: "text", text: "half of it" }] } },
    ]);
    const err = await rejection(client.messages.stream(REQUEST).finalMessage());
    expect(err).toBeInstanceOf(Error);
  });

  it("given a cut on a JSON request, when created, then the SDK reports a connection error", async () => {
    fake.script([{ kind: "cut", after_events: 0 }]);
    const err = await rejection(client.messages.create(REQUEST));
    expect(err).toBeInstanceOf(Anthropic.APIConnectionError);
  });
});

describe("fake Anthropic: errors map to the SDK's APIError statuses", () => {
  const cases = [
    [429, Anthropic.RateLimitError, "rate_limit_error"],
    [529, Anthropic.InternalServerError, "overloaded_error"],
    [500, Anthropic.InternalServerError, "api_error"],
    [402, Anthropic.APIError, "billing_error"],
    [401, Anthropic.AuthenticationError, "authentication_error"],
    [400, Anthropic.BadRequestError, "invalid_request_error"],
  ];
  for (const [status, errorClass, type] of cases) {
    it(`given a scripted ${status}, when created, then the SDK throws an APIError with status ${status} and type ${type}`, async () => {
      fake.script([{ kind: "error", status: Number(status) }]);
      const err = await rejection(client.messages.create(REQUEST));
      expect(err).toBeInstanceOf(errorClass);
      expect(err).toMatchObject({ status, type });
    });
  }

  it("given a 429 with retry-after, when created, then the header reaches the SDK error", async () => {
    fake.script([{ kind: "error", status: 429, retry_after: "7" }]);
    const err = /** @type {InstanceType<typeof Anthropic.APIError>} */ (
      await rejection(client.messages.create(REQUEST))
    );
    expect(err.headers?.get("retry-after")).toBe("7");
  });

  it("given a scripted error on a streaming request, when streamed, then the SDK throws the same status", async () => {
    fake.script([{ kind: "error", status: 529 }]);
    const err = await rejection(client.messages.stream(REQUEST).finalMessage());
    expect(err).toMatchObject({ status: 529 });
  });

  it("given no x-api-key, when created, then the fake answers 401", async () => {
    const res = await fetch(`${fake.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(REQUEST),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      type: "error",
      error: { type: "authentication_error" },
    });
  });

  it("given a delay, when created, then the answer waits for it", async () => {
    fake.script([{ kind: "reply", delay_ms: 150 }]);
    const started = Date.now();
    await client.messages.create(REQUEST);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe("fake router", () => {
  it("given a valid JWT and every X-Aura header, when created through the router, then it answers like the Messages API", async () => {
    const router = new Anthropic({
      authToken: await routerToken(ROUTER_SECRET),
      baseURL: fake.routerUrl,
      maxRetries: 0,
      defaultHeaders: AURA,
    });
    const message = await router.messages.stream(REQUEST).finalMessage();
    expect(message.content).toEqual([{ type: "text", text: "Fake reply." }]);
    const [seen] = fake.requests();
    expect(seen?.path).toBe("/router/v1/messages");
    expect(seen?.headers["x-aura-agent-id"]).toBe("agent-1");
  });

  it("given a JWT signed with another secret, when created, then the router refuses with 401", async () => {
    const router = new Anthropic({
      authToken: await routerToken("another-secret-0123456789abcdef0123"),
      baseURL: fake.routerUrl,
      maxRetries: 0,
      defaultHeaders: AURA,
    });
    const err = await rejection(router.messages.create(REQUEST));
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it("given a valid JWT but no X-Aura-Org-Id, when created, then the router refuses with 400", async () => {
    const { "X-Aura-Org-Id": _, ...headers } = AURA;
    const router = new Anthropic({
      authToken: await routerToken(ROUTER_SECRET),
      baseURL: fake.routerUrl,
      maxRetries: 0,
      defaultHeaders: headers,
    });
    const err = await rejection(router.messages.create(REQUEST));
    expect(err).toMatchObject({ status: 400 });
    expect(String(err)).toContain("x-aura-org-id");
  });
});
