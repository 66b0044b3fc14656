import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screenshot, watchedPage } from "./helpers/chromium.js";
import { createAgent, sendMessage, signInAsDev } from "./helpers/console-page.js";
import { useConsoleStack } from "./helpers/console-stack.js";

const ctx = useConsoleStack({ name: "usage", policy: "dev" });

interface Entry {
  seq: number;
  tx: { tx_type: string; payload: string };
}

/** Tokens and calls as the record holds them, summed here without the console's code. */
async function recordTotals(agentId: string) {
  const res = await fetch(`${ctx.stack.url}/agents/${agentId}/record?from_seq=1&limit=1000`, {
    headers: { authorization: `Bearer ${ctx.stack.token}` },
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

/** How many of a canvas's pixels are not transparent. */
function paintedPixels(canvas: Locator): Promise<number> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const { data } = c.getContext("2d")?.getImageData(0, 0, c.width, c.height) ?? { data: [] };
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted += 1;
    return painted;
  });
}

describe("the Usage tab", () => {
  it("after two turns, draws the three charts with axes, a legend and totals that match the record, in either theme and at a phone's width", async () => {
    ctx.fake.script([
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
    const { page, problems } = await watchedPage(ctx.browser);
    await signInAsDev(page, ctx.stack.url);
    const agentId = await createAgent(page, { name: "usage-agent", policy: "dev" });
    await sendMessage(page, "first turn");
    await page.getByText("First answer.").waitFor();
    await sendMessage(page, "second turn");
    await page.getByText("Second answer.").waitFor();

    const totals = await recordTotals(agentId);
    expect(totals).toEqual({ input: 450, output: 90, calls: 3, tools: 1 });

    await page.getByRole("tab", { name: "Usage" }).click();
    const charts = [
      { id: "usage-tokens", title: "Tokens per turn", x: "turn", y: "tokens", points: 2 },
      {
        id: "usage-latency",
        title: "Model latency per call",
        x: "call",
        y: "ms",
        points: totals.calls,
      },
      { id: "usage-tools", title: "Tool time per call", x: "call", y: "ms", points: totals.tools },
    ];
    for (const chart of charts) {
      await page.getByRole("heading", { name: chart.title }).waitFor();
      const plot = page.getByRole("img", { name: new RegExp(`^${chart.title}: `) });
      await plot.locator("canvas").waitFor();
      // Axes with scales: the x ticks are the whole turns or calls, the y scale starts at 0.
      const xTicks = (await plot.getAttribute("data-x-ticks"))?.split(" ");
      const yTicks = (await plot.getAttribute("data-y-ticks"))?.split(" ");
      expect(xTicks).toEqual(Array.from({ length: chart.points }, (_, i) => String(i + 1)));
      expect(yTicks?.[0]).toBe("0");
      expect(yTicks?.length).toBeGreaterThan(1);
      // Something was drawn: the canvas has opaque pixels (axes, grid, bars).
      expect(await paintedPixels(plot.locator("canvas"))).toBeGreaterThan(500);
      // The legend names the x axis and one series per plotted value; the data table has a row
      // per point, under headers that are the axes' labels.
      const legend = await plot.locator(".u-legend .u-series th").allTextContents();
      expect(legend[0]).toBe(chart.x);
      expect(legend.length).toBe(chart.id === "usage-tokens" ? 3 : 2);
      const table = page.getByTestId(`${chart.id}-data`);
      expect(await table.locator("tbody tr").count()).toBe(chart.points);
      expect(await table.locator("thead th").first().textContent()).toBe(chart.x);
      expect(await table.locator("thead th").nth(1).textContent()).toContain(chart.y);
    }
    expect(
      await page
        .getByRole("img", { name: /^Tokens per turn: / })
        .locator(".u-legend")
        .textContent(),
    ).toMatch(/input.*output/);
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
    // The token chart's table holds the record's tokens, turn by turn (100 + 150 and 200 input).
    const inputs = await page
      .getByTestId("usage-tokens-data")
      .locator("tbody td:nth-child(2)")
      .allTextContents();
    expect(inputs).toEqual(["250", "200"]);
    expect(inputs.reduce((n, v) => n + Number(v), 0)).toBe(totals.input);
    // No <style> element: the chart's CSS is part of app.css.
    expect(await page.locator("style").count()).toBe(0);
    await screenshot(page, "agent-usage");

    // Switching the theme redraws the charts in its colours (a new canvas).
    await page.locator(".usage-plot canvas").evaluateAll((canvases) => {
      for (const c of canvases) if (c instanceof HTMLElement) c.dataset.before = "theme";
    });
    await page.getByRole("button", { name: "Theme" }).click();
    await page.waitForFunction(
      () => document.querySelectorAll(".usage-plot canvas:not([data-before])").length === 3,
    );
    expect(await page.locator(".usage-plot canvas").count()).toBe(3);
    await screenshot(page, "agent-usage-other-theme");

    // At a phone's width the charts shrink with the page.
    await page.setViewportSize({ width: 390, height: 800 });
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll(".usage-plot canvas")).every(
        (c) => c.getBoundingClientRect().right <= 390,
      ),
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await screenshot(page, "agent-usage-phone");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
