import { describe, expect, it } from "vitest";
import { cutProxy } from "../../scripts/lib/cut-proxy.mjs";
import { mintToken } from "../../scripts/lib/mint-token.mjs";
import { screenshot, watchedPage } from "./helpers/chromium.js";
import { createAgent, sendMessage, signInAsDev, waitLive } from "./helpers/console-page.js";
import { useConsoleStack } from "./helpers/console-stack.js";

const ctx = useConsoleStack({ name: "console", policy: "strict" });

describe("the web console on the local stack", () => {
  it("is served at / with a strict Content-Security-Policy, while the API still needs a token", async () => {
    const page = await fetch(`${ctx.stack.url}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/<style|style=/);

    expect((await fetch(`${ctx.stack.url}/agents`)).status).toBe(401);
    expect((await fetch(`${ctx.stack.url}/health`)).status).toBe(200);
  });

  it("signs in with a pasted token, shows its org and user, keeps it in sessionStorage only, and signs out", async () => {
    const { page, problems } = await watchedPage(ctx.browser);
    await page.goto(ctx.stack.url);
    await page.getByRole("textbox", { name: "Token" }).fill("not-a-token");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "not a token" }).waitFor();

    await page.getByRole("textbox", { name: "Token" }).fill(ctx.stack.token);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Agents" }).waitFor();
    expect(await page.getByTestId("org").textContent()).toBe("local");
    expect(await page.getByTestId("user").textContent()).toBe("dev");
    const stored = await page.evaluate(
      "({ session: Object.values(sessionStorage), local: Object.values(localStorage), cookie: document.cookie })",
    );
    expect(stored).toEqual({ session: [ctx.stack.token], local: [], cookie: "" });
    await page.getByText("No agents yet").waitFor();
    await screenshot(page, "agents-empty");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("textbox", { name: "Token" }).waitFor();
    expect(await page.evaluate("sessionStorage.length")).toBe(0);
    await screenshot(page, "sign-in");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("sends the person back to sign in, saying why, when the token expires", async () => {
    const { page, problems } = await watchedPage(ctx.browser);
    const token = await mintToken({
      secret: ctx.secret,
      org: "local",
      sub: "brief",
      ttlSeconds: 8,
    });
    await page.goto(ctx.stack.url);
    await page.getByRole("textbox", { name: "Token" }).fill(token);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Agents" }).waitFor();
    expect(await page.getByTestId("user").textContent()).toBe("brief");
    await page.getByText("Your token expired: sign in again.").waitFor({ timeout: 20_000 });
    await page.getByRole("textbox", { name: "Token" }).waitFor();
    expect(await page.evaluate("sessionStorage.length")).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("creates an agent and streams its markdown answer; the record grows live and verifies ok", async () => {
    ctx.fake.script([
      {
        kind: "reply",
        content: [{ type: "text", text: "Here is **bold** and `code`.\n\n- first\n- second" }],
      },
      { kind: "reply", content: [{ type: "text", text: "A second answer." }] },
    ]);
    const { page, problems } = await watchedPage(ctx.browser);
    await signInAsDev(page, ctx.stack.url);
    const agentId = await createAgent(page, { name: "browser-chat", policy: "strict" });

    await sendMessage(page, "hello from the browser");
    const answer = page.getByRole("article", { name: "Agent" }).last();
    await answer.locator("strong", { hasText: "bold" }).waitFor();
    await answer.locator("li", { hasText: "second" }).waitFor();
    await answer.getByText(/end_turn/).waitFor();
    await page
      .getByRole("article", { name: "You" })
      .filter({ hasText: "hello from the browser" })
      .waitFor();
    await screenshot(page, "agent-chat");

    // The record tab, then a prompt from another client: its entries appear without a reload.
    await page.getByRole("tab", { name: "Record" }).click();
    await page.getByRole("button", { name: "Entry 4 agent_msg" }).waitFor();
    const tx = await fetch(`${ctx.stack.url}/tx`, {
      method: "POST",
      headers: { authorization: `Bearer ${ctx.stack.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        agent_id: agentId,
        kind: "user_prompt",
        payload: Buffer.from("from another client").toString("base64"),
      }),
    });
    expect(tx.status).toBe(202);
    await page.getByRole("button", { name: "Entry 7 agent_msg" }).waitFor();
    expect(await page.getByText("7 entries").count()).toBe(1);

    await page.getByRole("button", { name: "Verify" }).click();
    const result = page.getByRole("status", { name: "Verify result" });
    await result.filter({ hasText: /^ok/ }).waitFor();

    // The keyboard walks the record: Home, End and the arrows select (and open) entries.
    await page.getByRole("button", { name: "Entry 3 reasoning" }).focus();
    await page.keyboard.press("Home");
    await page.getByRole("region", { name: "Entry 1" }).waitFor();
    await page.keyboard.press("End");
    await page.getByRole("region", { name: "Entry 7" }).waitFor();
    await page.keyboard.press("ArrowUp");
    await page.getByRole("region", { name: "Entry 6" }).waitFor();
    expect(
      await page.getByRole("button", { name: "Entry 6 reasoning" }).getAttribute("aria-expanded"),
    ).toBe("true");
    await screenshot(page, "agent-record");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("asks for approval of a tool call under strict, runs it once approved from its card, and shows the file it wrote", async () => {
    ctx.fake.script([
      {
        kind: "reply",
        content: [
          { type: "text", text: "I will write the file." },
          {
            type: "tool_use",
            id: "toolu_browser_1",
            name: "run_command",
            input: { command: "echo approved > proof.txt && cat proof.txt" },
          },
        ],
        stop_reason: "tool_use",
      },
      { kind: "reply", content: [{ type: "text", text: "Done: the file says approved." }] },
    ]);
    const { page, problems } = await watchedPage(ctx.browser);
    await signInAsDev(page, ctx.stack.url);
    await createAgent(page, { name: "browser-tools", policy: "strict" });
    await sendMessage(page, "write proof.txt");

    const card = page.getByRole("article", { name: "Tool call run_command" });
    await card.getByText("waiting for approval").waitFor();
    await card.getByText("echo approved > proof.txt").waitFor();
    await screenshot(page, "tool-approval");
    await card.getByRole("button", { name: "Approve" }).click();
    await card.getByText("done").waitFor();
    await card.locator("pre", { hasText: /^approved\s*$/ }).waitFor();
    await page.getByText("Done: the file says approved.").waitFor();
    expect(await card.getByRole("button", { name: "Approve" }).count()).toBe(0);
    await screenshot(page, "tool-approved");

    // The file the command wrote, in the Files tab.
    await page.getByRole("tab", { name: "Files" }).click();
    await page
      .getByRole("navigation", { name: "Workspace files" })
      .getByRole("button", { name: "proof.txt" })
      .click();
    await page
      .getByRole("region", { name: "File proof.txt" })
      .locator("pre", { hasText: /^approved\s*$/ })
      .waitFor();
    await screenshot(page, "files");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("forks at a chosen entry and opens the fork, whose record verifies", async () => {
    ctx.fake.script([{ kind: "reply", content: [{ type: "text", text: "Forkable answer." }] }]);
    const { page, problems } = await watchedPage(ctx.browser);
    await signInAsDev(page, ctx.stack.url);
    const source = await createAgent(page, { name: "browser-fork" });
    await sendMessage(page, "something to fork");
    await page.getByText("Forkable answer.").waitFor();

    await page.getByRole("tab", { name: "Record" }).click();
    await page.getByRole("button", { name: "Entry 2 user_prompt" }).click();
    await page.getByRole("button", { name: "Fork here" }).click();
    await page.waitForURL(
      (url) => !url.hash.includes(source) && /#\/agents\/[0-9a-f]{64}\/record$/.test(url.hash),
    );
    await waitLive(page);
    await page.getByRole("button", { name: "Entry 2 user_prompt" }).waitFor();
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("status", { name: "Verify result" }).filter({ hasText: /^ok/ }).waitFor();
    await screenshot(page, "fork");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("reconnects after the network drops and resumes: what happened meanwhile shows once, nothing twice", async () => {
    ctx.fake.script([
      {
        kind: "reply",
        content: [
          { type: "text", text: "Before the drop." },
          {
            type: "tool_use",
            id: "toolu_browser_2",
            name: "run_command",
            input: { command: "echo resumed" },
          },
        ],
        stop_reason: "tool_use",
      },
      { kind: "reply", content: [{ type: "text", text: "After the drop." }] },
    ]);
    const proxy = await cutProxy(ctx.stack.port);
    const { page, problems } = await watchedPage(ctx.browser);
    try {
      await signInAsDev(page, proxy.url);
      const agentId = await createAgent(page, { name: "browser-resume", policy: "strict" });
      await sendMessage(page, "run it");
      const card = page.getByRole("article", { name: "Tool call run_command" });
      await card.getByText("waiting for approval").waitFor();

      // The network drops; meanwhile another client approves and the turn finishes.
      proxy.cut({ refuse: true });
      await page
        .getByRole("status", { name: "Connection" })
        .filter({ hasText: "Reconnecting" })
        .waitFor();
      const approved = await fetch(`${ctx.stack.url}/agents/${agentId}/approvals/toolu_browser_2`, {
        method: "POST",
        headers: { authorization: `Bearer ${ctx.stack.token}`, "content-type": "application/json" },
        body: JSON.stringify({ approved: true }),
      });
      expect(approved.status).toBe(200);
      await expect
        .poll(async () => {
          const record = await fetch(`${ctx.stack.url}/agents/${agentId}/record`, {
            headers: { authorization: `Bearer ${ctx.stack.token}` },
          });
          const entries = (await record.json()) as Array<{ tx: { tx_type: string } }>;
          return entries.at(-1)?.tx.tx_type;
        })
        .toBe("agent_msg");
      proxy.restore();

      await waitLive(page);
      await page.getByText("After the drop.").waitFor();
      await card.getByText("done").waitFor();
      expect(await page.getByText("Before the drop.").count()).toBe(1);
      expect(await page.getByText("After the drop.").count()).toBe(1);
      expect(await page.getByRole("article", { name: "Tool call run_command" }).count()).toBe(1);
      await screenshot(page, "resumed");
      // Only what the network's drop caused may have been logged: refused reconnection
      // attempts and requests cut in flight — no uncaught error.
      const dropped = /WebSocket connection to .* failed|Failed to load resource: net::ERR_/;
      expect(problems.filter((p) => !dropped.test(p))).toEqual([]);
    } finally {
      await page.context().close();
      await proxy.close();
    }
  });

  it("is usable at a phone's width", async () => {
    const { page, problems } = await watchedPage(ctx.browser, { width: 390, height: 844 });
    await signInAsDev(page, ctx.stack.url);
    await page.getByRole("link", { name: "browser-chat" }).click();
    await waitLive(page);
    // The conversation so far is replayed from the record (resume), prompts included.
    await page
      .getByRole("article", { name: "You" })
      .filter({ hasText: "hello from the browser" })
      .waitFor();
    await page.getByText("A second answer.").waitFor();
    const overflow = await page.evaluate("document.documentElement.scrollWidth - innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "agent-chat-phone");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
