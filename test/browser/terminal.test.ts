import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screenshot, watchedPage } from "./helpers/chromium.js";
import { createAgent, openTab, sendMessage, signInAsDev } from "./helpers/console-page.js";
import { useConsoleStack } from "./helpers/console-stack.js";

// The operator's floor is `dev`, so an agent may be created `dev` or `strict`.
const ctx = useConsoleStack({ name: "terminal", policy: "dev" });

/** Types a command in the terminal and waits until the terminal shows `expected`. */
async function runInTerminal(page: Page, command: string, expected: string): Promise<void> {
  const terminal = page.getByRole("region", { name: "Terminal", exact: true });
  await terminal.click();
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
  await expect
    .poll(async () => (await terminal.innerText()).replace(/\u00a0/g, " "), { timeout: 20_000 })
    .toContain(expected);
}

describe("the agents list", () => {
  it("shows when an agent that ran a turn was last active and the tokens it used", async () => {
    ctx.fake.script([{ kind: "reply", content: [{ type: "text", text: "Counted." }] }]);
    const { page, problems } = await watchedPage(ctx.browser);
    await signInAsDev(page, ctx.stack.url);
    await createAgent(page, { name: "tokens-used", policy: "dev" });
    await sendMessage(page, "count my tokens");
    await page.getByText("Counted.").waitFor();
    await page.getByRole("link", { name: "Agents" }).first().click();
    const row = page.getByRole("row").filter({ hasText: "tokens-used" });
    await row.waitFor();
    expect(await page.getByRole("columnheader", { name: "Last activity" }).count()).toBe(1);
    expect(await page.getByRole("columnheader", { name: "Tokens used" }).count()).toBe(1);
    await expect.poll(() => row.getByTestId("tokens").innerText()).toMatch(/^[1-9][\d,]*$/);
    expect(await row.getByTestId("last-activity").innerText()).not.toBe("—");
    await page.getByLabel("Sort by").selectOption("tokens");
    expect(await page.getByRole("row").nth(1).innerText()).toContain("tokens-used");
    await screenshot(page, "agents-activity-tokens");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe("the console's Terminal tab", () => {
  it("opens a shell in the agent's workspace under dev and runs what is typed", async () => {
    const { page, problems } = await watchedPage(ctx.browser);
    await signInAsDev(page, ctx.stack.url);
    await createAgent(page, { name: "terminal-dev", policy: "dev" });
    await openTab(page, "Terminal");
    await page
      .getByRole("status", { name: "Terminal state" })
      .filter({ hasText: "Connected" })
      .waitFor();
    await runInTerminal(page, "echo hello-$((40+2))", "hello-42");
    await screenshot(page, "terminal");

    // The pty follows the element: a smaller window, fewer rows and columns.
    const sizes = async () =>
      [
        ...(await page.getByRole("region", { name: "Terminal", exact: true }).innerText())
          .replace(/\u00a0/g, " ")
          .matchAll(/^size=(\d+ \d+)\s*$/gm),
      ].map((m) => m[1]);
    await page.keyboard.type("echo size=$(stty size)");
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await sizes()).length, { timeout: 20_000 }).toBe(1);
    const [before] = await sizes();
    await page.setViewportSize({ width: 700, height: 500 });
    await page.keyboard.type("echo size=$(stty size)");
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await sizes()).length, { timeout: 20_000 }).toBe(2);
    const [, after] = await sizes();
    expect(before).toMatch(/^\d+ \d+$/);
    expect(after).not.toBe(before);
    // xterm.js's own rules went into adopted stylesheets, not refused `<style>` elements.
    expect(await page.locator("style").count()).toBe(0);
    expect(await page.evaluate("document.adoptedStyleSheets.length")).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("waits for approval under strict and opens once approved from the tab", async () => {
    const { page, problems } = await watchedPage(ctx.browser);
    await signInAsDev(page, ctx.stack.url);
    await createAgent(page, { name: "terminal-strict", policy: "strict" });
    await openTab(page, "Terminal");
    const state = page.getByRole("status", { name: "Terminal state" });
    await state.filter({ hasText: "Waiting for approval" }).waitFor();
    const ask = page
      .getByRole("alert")
      .filter({ hasText: "asks a person before a terminal opens" });
    await screenshot(page, "terminal-approval");
    await ask.getByRole("button", { name: "Approve" }).click();
    await state.filter({ hasText: "Connected" }).waitFor();
    expect(await ask.count()).toBe(0);
    await runInTerminal(page, "echo hello-$((40+2))", "hello-42");
    await screenshot(page, "terminal-approved");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("says so when the terminal is denied from the tab", async () => {
    const { page, problems } = await watchedPage(ctx.browser);
    await signInAsDev(page, ctx.stack.url);
    await createAgent(page, { name: "terminal-denied", policy: "strict" });
    await openTab(page, "Terminal");
    const state = page.getByRole("status", { name: "Terminal state" });
    await state.filter({ hasText: "Waiting for approval" }).waitFor();
    await page.getByRole("button", { name: "Deny" }).click();
    await page.getByText("Denied: the terminal was not opened.").waitFor();
    await page.getByRole("button", { name: "New terminal" }).waitFor();
    // The refused upgrade is the browser's own console error (a 403 answer to a WebSocket).
    expect(problems.filter((p) => !/WebSocket connection to .*\/ws\/terminal/.test(p))).toEqual([]);
    await page.context().close();
  });
});
