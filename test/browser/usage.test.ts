import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAnthropic, startFakeAnthropic } from "../../scripts/fake-anthropic/server.mjs";
import { type LocalStack, startLocalStack } from "../e2e/helpers/local-stack.js";
import { freePort } from "../e2e/helpers/net.js";
import { launchChromium, screenshot, watchedPage } from "./helpers/chromium.js";
import { createAgent, sendMessage, signInAsDev } from "./helpers/console-page.js";

let fake: FakeAnthropic;
let stack: LocalStack;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  browser = await launchChromium();
  fake = await startFakeAnthropic({ apiKey: "sk-usage" });
  dataDir = mkdtempSync(join(tmpdir(), "aura-usage-"));
  stack = await startLocalStack({
    port: await freePort(),
    dataDir,
    env: {
      AURA_JWT_SECRET: "browser-usage-secret-0123456789abcdefghijkl",
      AURA_POLICY: "dev",
      AURA_ANTHROPIC_API_KEY: "sk-usage",
      AURA_ANTHROPIC_BASE_URL: fake.url,
      AURA_ANTHROPIC_MODEL: "claude-usage",
    },
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await fake?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface Entry {
  seq: number;
  tx: { tx_type: string; payload: string };
}

/** Tokens and calls as the record holds them, summed here without the console's code. */
async function recordTotals(agentId: string) {
  const res = await fetch(`${stack.url}/agents/${agentId}/record?from_seq=1&limit=1000`, {
    headers: { authorization: `Bearer ${stack.token}` },
  });
  const entries = (await res.json()) as Entry[];
  let input = 0;
  let output = 0;
  let calls = 0;
  let tools = 0;
  for (const e of entries) {
    if (e.tx.tx_type === "reasoning") {
      const payload = JSON.parse(Buffer.from(e.tx.payload, "base64").toString("utf8"));
      calls += 1;
      input += payload.response?.usage?.input_tokens ?? 0;
      output += payload.response?.usage?.output_tokens ?? 0;
    }
    if (e.tx.tx_type === "tool_execution") tools += 1;
  }
  return { input, output, calls, tools };
}

describe("the Usage tab", () => {
  it("after two turns, shows the three charts with totals that match the record", async () => {
    fake.script([
      {
        kind: "reply",
        content: [
          {
            type: "tool_use",
            id: "toolu_usage_1",
            name: "run_command",
            input: { command: "echo usage" },
          },
        ],
        stop_reason: "tool_use",
        usage: { input_tokens: 100, output_tokens: 20 },
      },
      {
        kind: "reply",
        content: [{ type: "text", text: "First answer." }],
        usage: { input_tokens: 150, output_tokens: 30 },
      },
      {
        kind: "reply",
        content: [{ type: "text", text: "Second answer." }],
        usage: { input_tokens: 200, output_tokens: 40 },
      },
    ]);
    const { page, problems } = await watchedPage(browser);
    await signInAsDev(page, stack.url);
    const agentId = await createAgent(page, { name: "usage-agent", policy: "dev" });
    await sendMessage(page, "first turn");
    await page.getByText("First answer.").waitFor();
    await sendMessage(page, "second turn");
    await page.getByText("Second answer.").waitFor();

    const totals = await recordTotals(agentId);
    expect(totals).toEqual({ input: 450, output: 90, calls: 3, tools: 1 });

    await page.getByRole("tab", { name: "Usage" }).click();
    for (const title of ["Tokens per turn", "Model latency per call", "Tool time per call"]) {
      await page.getByRole("heading", { name: title }).waitFor();
      await page.getByRole("img", { name: new RegExp(`^${title}: `) }).waitFor();
    }
    const tokens = page.getByTestId("usage-tokens-summary");
    await tokens
      .filter({
        hasText: `2 turns, ${totals.input} input tokens, ${totals.output} output tokens, ${totals.calls} model calls`,
      })
      .waitFor();
    expect(await page.getByTestId("usage-latency-summary").textContent()).toMatch(
      new RegExp(`^${totals.calls} calls, [\\d,]+ ms in all$`),
    );
    expect(await page.getByTestId("usage-tools-summary").textContent()).toMatch(
      new RegExp(`^${totals.tools} tool calls, [\\d,]+ ms in all$`),
    );
    // One bar per turn (two stacked rects each), per model call and per tool call.
    expect(await page.locator(".usage-chart").nth(0).locator("g").count()).toBe(2);
    expect(await page.locator(".usage-chart").nth(1).locator("g").count()).toBe(totals.calls);
    expect(await page.locator(".usage-chart").nth(2).locator("g").count()).toBe(totals.tools);
    await screenshot(page, "agent-usage");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
