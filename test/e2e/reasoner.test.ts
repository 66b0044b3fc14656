import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startFakeAnthropic } from "../../scripts/fake-anthropic/server.mjs";
import { RecordEntry } from "../../src/core/record.js";
import { client, expectShape, sendPrompt } from "./helpers/api.js";
import { type LocalStack, startLocalStack } from "./helpers/local-stack.js";
import { freePort } from "./helpers/net.js";

const SECRET = "e2e-reasoner-secret-0123456789abcdefghijk";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function stackWith(env: Record<string, string>): Promise<LocalStack> {
  const dataDir = mkdtempSync(join(tmpdir(), "aura-e2e-reasoner-"));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const stack = await startLocalStack({
    port: await freePort(),
    dataDir,
    env: { AURA_JWT_SECRET: SECRET, ...env },
  });
  cleanups.push(async () => {
    await stack.stop();
  });
  return stack;
}

async function promptAndWait(stack: LocalStack, agentId: string, text: string) {
  const api = client(stack.url, stack.token);
  const { status } = await sendPrompt(api, agentId, text);
  const record = expectShape(
    z.array(RecordEntry),
    (await api.get(`/agents/${agentId}/record`)).body,
  );
  return { status, record };
}

describe("npm start with a real reasoner configuration", () => {
  it("in proxy mode, sends the turn's model call to the router with the caller's JWT and the X-Aura headers", async () => {
    // Given a fake router that accepts tokens signed with the stack's secret
    const fake = await startFakeAnthropic({ routerSecret: SECRET });
    cleanups.push(() => fake.close());
    fake.script([{ kind: "reply", content: [{ type: "text", text: "Routed hello." }] }]);
    const stack = await stackWith({ AURA_LLM_ROUTING: "proxy", AURA_ROUTER_URL: fake.routerUrl });
    expect(stack.output()).toContain("proxy");

    // When a prompt is sent with the printed token
    const agentId = "ab".repeat(32);
    const { status, record } = await promptAndWait(stack, agentId, "hello router");

    // Then the router got the caller's token and the agent's headers, and the answer is recorded
    expect(status.status).toBe("processed");
    const [call] = fake.requests();
    expect(call?.path).toBe("/router/v1/messages");
    expect(call?.headers.authorization).toBe(`Bearer ${stack.token}`);
    expect(call?.headers["x-aura-agent-id"]).toBe(agentId);
    expect(call?.headers["x-aura-org-id"]).toBe("local");
    expect(record.map((e) => e.tx.tx_type)).toEqual(["user_prompt", "reasoning", "agent_msg"]);
    expect(Buffer.from(record[2]?.tx.payload ?? "", "base64").toString()).toBe("Routed hello.");
  });

  it("in direct mode, retries a 529 and records both attempts in the reasoning entry", async () => {
    const fake = await startFakeAnthropic({ apiKey: "sk-e2e" });
    cleanups.push(() => fake.close());
    fake.script([
      { kind: "error", status: 529, retry_after: "0" },
      { kind: "reply", content: [{ type: "text", text: "Direct hello." }] },
    ]);
    const stack = await stackWith({
      AURA_ANTHROPIC_API_KEY: "sk-e2e",
      AURA_ANTHROPIC_BASE_URL: fake.url,
      AURA_ANTHROPIC_MODEL: "claude-e2e",
    });

    const { status, record } = await promptAndWait(stack, "cd".repeat(32), "hello model");

    expect(status.status).toBe("processed");
    expect(fake.requests().map((r) => (r.body as { model: string }).model)).toEqual([
      "claude-e2e",
      "claude-e2e",
    ]);
    const reasoning = JSON.parse(Buffer.from(record[1]?.tx.payload ?? "", "base64").toString());
    expect(reasoning.response.attempts).toMatchObject([
      { attempt: 1, ok: false, http_status: 529 },
      { attempt: 2, ok: true },
    ]);
    expect(Buffer.from(record[2]?.tx.payload ?? "", "base64").toString()).toBe("Direct hello.");
  });

  it("in direct mode, records a stream cut after text arrived as a failed call, fails the prompt, and commits nothing half-way", async () => {
    const fake = await startFakeAnthropic({ apiKey: "sk-e2e" });
    cleanups.push(() => fake.close());
    fake.script([
      {
        kind: "cut",
        after_events: 4,
        reply: { content: [{ type: "text", text: "This answer never ends" }] },
      },
    ]);
    const stack = await stackWith({
      AURA_ANTHROPIC_API_KEY: "sk-e2e",
      AURA_ANTHROPIC_BASE_URL: fake.url,
    });

    const { status, record } = await promptAndWait(stack, "ef".repeat(32), "tell me a story");

    expect(status.status).toBe("failed");
    expect(status.error).toMatch(/^llm_error: /);
    expect(fake.requests()).toHaveLength(1);
    expect(record.map((e) => e.tx.tx_type)).toEqual(["user_prompt", "reasoning", "agent_msg"]);
    const reasoning = JSON.parse(Buffer.from(record[1]?.tx.payload ?? "", "base64").toString());
    expect(reasoning.response).toBeUndefined();
    expect(reasoning.error).toMatchObject({ code: "stream_interrupted" });
    expect(reasoning.error.attempts).toHaveLength(1);
    const reply = Buffer.from(record[2]?.tx.payload ?? "", "base64").toString();
    expect(reply).toMatch(/^error: /);
    expect(reply).not.toContain("This answer");
    const verify = await client(stack.url, stack.token).get(`/agents/${"ef".repeat(32)}/verify`);
    expect(verify.body).toMatchObject({ ok: true, head_seq: 3 });
  });
});
