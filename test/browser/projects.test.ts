import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAnthropic, startFakeAnthropic } from "../../scripts/fake-anthropic/server.mjs";
import { type LocalStack, startLocalStack } from "../e2e/helpers/local-stack.js";
import { freePort } from "../e2e/helpers/net.js";
import { launchChromium, screenshot, watchedPage } from "./helpers/chromium.js";
import { signInAsDev } from "./helpers/console-page.js";

let fake: FakeAnthropic;
let stack: LocalStack;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  browser = await launchChromium();
  fake = await startFakeAnthropic({ apiKey: "sk-projects" });
  dataDir = mkdtempSync(join(tmpdir(), "aura-projects-"));
  stack = await startLocalStack({
    port: await freePort(),
    dataDir,
    env: {
      AURA_JWT_SECRET: "browser-projects-secret-0123456789abcdefghij",
      AURA_POLICY: "dev",
      AURA_ANTHROPIC_API_KEY: "sk-projects",
      AURA_ANTHROPIC_BASE_URL: fake.url,
      AURA_ANTHROPIC_MODEL: "claude-projects",
    },
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await fake?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${stack.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Made {
  id: string;
  status: string;
}

describe("the projects pages", () => {
  it("lists the org's projects and shows a project's tasks as a board by status", async () => {
    const project = await post<Made>("/projects", { name: "board-project", description: "a test" });
    const tasks = `/projects/${project.id}/tasks`;
    const a = await post<Made>(tasks, { title: "Alpha", order: 1 });
    const b = await post<Made>(tasks, { title: "Bravo", dependency_ids: [a.id], order: 2 });
    const c = await post<Made>(tasks, { title: "Charlie", order: 3 });
    const d = await post<Made>(tasks, { title: "Delta", order: 4 });
    for (const [task, status] of [
      [c, "in_progress"],
      [c, "done"],
      [d, "in_progress"],
    ] as const) {
      await post(`${tasks}/${task.id}/transition`, { status });
    }
    expect([a.status, b.status]).toEqual(["ready", "pending"]);

    const { page, problems } = await watchedPage(browser);
    await signInAsDev(page, stack.url);
    await page
      .getByRole("navigation", { name: "Pages" })
      .getByRole("link", { name: "Projects" })
      .click();
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await page.getByRole("link", { name: "board-project" }).click();
    await page.getByRole("heading", { name: "board-project" }).waitFor();

    const column = (name: string) => page.getByRole("region", { name });
    await column("Ready (1)").getByRole("listitem", { name: "Task Alpha" }).waitFor();
    await column("Pending (1)").getByRole("listitem", { name: "Task Bravo" }).waitFor();
    await column("In progress (1)").getByRole("listitem", { name: "Task Delta" }).waitFor();
    await column("Done (1)").getByRole("listitem", { name: "Task Charlie" }).waitFor();
    await column("Failed (0)").waitFor();
    await column("Blocked (0)").waitFor();
    await page.getByText("No dev loop has run on this project.").waitFor();
    await screenshot(page, "project-board");

    // The board follows the project: a task added through the API shows without a reload.
    await post(tasks, { title: "Echo", order: 5 });
    await column("Ready (2)").getByRole("listitem", { name: "Task Echo" }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("starts a project's dev loop and shows its live events until it ends", async () => {
    const project = await post<Made>("/projects", { name: "loop-project" });
    await post(`/projects/${project.id}/tasks`, { title: "Only task" });
    fake.script([{ kind: "reply", content: [{ type: "text", text: "Looking at the task." }] }]);

    const { page, problems } = await watchedPage(browser);
    await signInAsDev(page, stack.url);
    await page.goto(`${stack.url}/#/projects/${project.id}`);
    await page.getByRole("heading", { name: "loop-project" }).waitFor();
    await page.getByRole("button", { name: "Start dev loop" }).click();
    const events = page.getByRole("list", { name: "Dev loop events" });
    await events.getByText("started", { exact: true }).waitFor();
    await page.getByRole("status", { name: "Dev loop status" }).waitFor();
    await screenshot(page, "project-dev-loop");
    // The fake answers without task_done, so the one task fails and the loop ends by itself
    // (too soon for a Stop click to be sure to land: the buttons follow the lifecycle).
    await events.getByText("task_started", { exact: true }).first().waitFor();
    await events.getByText("Only task", { exact: false }).first().waitFor();
    await events.getByText("done", { exact: true }).waitFor();
    await page
      .getByRole("status", { name: "Dev loop status" })
      .filter({ hasText: /^(stopped|failed|completed)$/ })
      .waitFor();
    await page.getByRole("button", { name: "Start dev loop" }).waitFor();
    await screenshot(page, "project-dev-loop-done");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
