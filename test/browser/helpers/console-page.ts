import type { Page } from "playwright-core";
import { screenshot } from "./chromium.js";

/**
 * Signs in on the console's page with the one-click dev sign-in and waits for the agents
 * page, showing org `local` and user `dev`.
 */
export async function signInAsDev(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole("button", { name: "Continue as the local developer" }).click();
  await page.getByRole("heading", { name: "Agents" }).waitFor();
}

/** Creates an agent from the agents page and waits until its page is live. */
export async function createAgent(
  page: Page,
  options: { name: string; policy?: "dev" | "strict"; systemPrompt?: string },
): Promise<string> {
  await page.getByRole("button", { name: "New agent" }).click();
  await page.getByRole("textbox", { name: "Name" }).fill(options.name);
  if (options.systemPrompt) {
    await page.getByRole("textbox", { name: "System prompt" }).fill(options.systemPrompt);
  }
  if (options.policy) await page.getByLabel("Policy").selectOption(options.policy);
  await page.getByRole("button", { name: "Create agent" }).click();
  await waitLive(page);
  const match = /#\/agents\/([0-9a-f]{64})\//.exec(page.url());
  if (!match?.[1]) throw new Error(`not on an agent page: ${page.url()}`);
  return match[1];
}

/**
 * Waits until the agent page's socket is connected; on a timeout, the error says what the
 * page showed (its connection state, any error) and a screenshot is saved.
 */
export async function waitLive(page: Page): Promise<void> {
  try {
    await page
      .getByRole("status", { name: "Connection" })
      .filter({ hasText: /^Live$/ })
      .waitFor();
  } catch (err) {
    await screenshot(page, `not-live-${Date.now()}`).catch(() => undefined);
    const shown = await page
      .locator("main")
      .innerText()
      .catch(() => "(no page)");
    throw new Error(`the agent page never went live; it showed:\n${shown}\n${String(err)}`);
  }
}

/** Types a message in the chat and sends it. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  await page.getByRole("textbox", { name: "Message" }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

/** Opens one of the agent page's tabs by its name. */
export async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole("tablist", { name: "Agent views" }).getByRole("tab", { name }).click();
}
