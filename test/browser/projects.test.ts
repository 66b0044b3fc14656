import { describe, expect, it } from "vitest";
import { screenshot, watchedPage } from "./helpers/chromium.js";
import { signInAsDev } from "./helpers/console-page.js";
import { useConsoleStack } from "./helpers/console-stack.js";

const ctx = useConsoleStack({ name: "projects", policy: "dev" });

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${ctx.stack.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${ctx.stack.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${ctx.stack.url}${path}`, {
    headers: { authorization: `Bearer ${ctx.stack.token}` },
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Made {
  id: string;
  status: string;
}

interface Automaton {
  automaton_id: string;
  kind: string;
  status: string;
}

/** How the console shortens an automaton id in its lists. */
const shortId = (id: string) => `${id.slice(0, 8)}…${id.slice(-4)}`;

/** The browser's own line for an answer it was refused: expected where a test asks for one. */
const refusedLoad = (status: number) =>
  new RegExp(`^error: Failed to load resource: the server responded with a status of ${status}`);

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

    const { page, problems } = await watchedPage(ctx.browser);
    await signInAsDev(page, ctx.stack.url);
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
    ctx.fake.script([{ kind: "reply", content: [{ type: "text", text: "Looking at the task." }] }]);

    const { page, problems } = await watchedPage(ctx.browser);
    await signInAsDev(page, ctx.stack.url);
    await page.goto(`${ctx.stack.url}/#/projects/${project.id}`);
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

  it("adds a task, edits it, moves it, shows a refused move's reason and deletes a task", async () => {
    const project = await post<Made>("/projects", { name: "edit-project" });
    const { page, problems } = await watchedPage(ctx.browser);
    await signInAsDev(page, ctx.stack.url);
    await page.goto(`${ctx.stack.url}/#/projects/${project.id}`);
    await page.getByRole("heading", { name: "edit-project" }).waitFor();
    await page.getByText("No tasks yet.").waitFor();

    const newTask = page.getByRole("form", { name: "New task" });
    await newTask.getByRole("textbox", { name: "Task title" }).fill("Draft");
    await newTask.getByRole("textbox", { name: "Task description" }).fill("first words");
    await newTask.getByRole("button", { name: "Add task" }).click();
    const column = (name: string) => page.getByRole("region", { name, exact: true });
    const draft = column("Ready (1)").getByRole("listitem", { name: "Task Draft" });
    await draft.getByText("first words").waitFor();

    await draft.getByRole("button", { name: "Edit", exact: true }).click();
    const form = page.getByRole("form", { name: "Edit task Draft" });
    await form.getByRole("textbox", { name: "Title" }).fill("Draft two");
    await form.getByRole("textbox", { name: "Description" }).fill("better words");
    await form.getByRole("button", { name: "Save" }).click();
    const card = page.getByRole("listitem", { name: "Task Draft two", exact: true });
    await card.getByText("better words").waitFor();
    const [saved] = await get<{ id: string; title: string; description: string }[]>(
      `/projects/${project.id}/tasks`,
    );
    expect(saved).toMatchObject({ title: "Draft two", description: "better words" });

    for (const [to, columnName] of [
      ["In progress", "In progress (1)"],
      ["Done", "Done (1)"],
    ] as const) {
      await card.getByRole("combobox", { name: "Move to" }).selectOption({ label: to });
      await card.getByRole("button", { name: "Move", exact: true }).click();
      await column(columnName).getByRole("listitem", { name: "Task Draft two" }).waitFor();
    }
    // done is final: the server refuses the move and the card says why.
    await card.getByRole("combobox", { name: "Move to" }).selectOption({ label: "Ready" });
    await card.getByRole("button", { name: "Move", exact: true }).click();
    await card
      .getByRole("alert")
      .filter({ hasText: "cannot go from done to ready: allowed none (it is final) (conflict)" })
      .waitFor();
    await column("Done (1)").getByRole("listitem", { name: "Task Draft two" }).waitFor();
    await screenshot(page, "project-task-refused");

    await newTask.getByRole("textbox", { name: "Task title" }).fill("Scrap");
    await newTask.getByRole("button", { name: "Add task" }).click();
    const scrap = page.getByRole("listitem", { name: "Task Scrap" });
    await scrap.getByRole("button", { name: "Delete" }).click();
    await scrap.getByRole("button", { name: "Confirm delete" }).click();
    await scrap.waitFor({ state: "detached" });
    const left = await get<{ title: string }[]>(`/projects/${project.id}/tasks`);
    expect(left.map((t) => t.title)).toEqual(["Draft two"]);
    expect(problems.filter((p) => !refusedLoad(409).test(p))).toEqual([]);
    await page.context().close();
  });

  it("lists a project's specs in order and opens one as rendered markdown", async () => {
    const project = await post<Made>("/projects", { name: "spec-project" });
    const specs = `/projects/${project.id}/specs`;
    await post(specs, { title: "Checkout", markdown_contents: "Pay **once**.", order: 2 });
    await post(specs, {
      title: "Overview",
      markdown_contents: "# Shop\n\nPeople **buy** things.\n\n- cart\n- checkout\n\n<b>raw</b>",
      order: 1,
    });
    const { page, problems } = await watchedPage(ctx.browser);
    await signInAsDev(page, ctx.stack.url);
    await page.goto(`${ctx.stack.url}/#/projects/${project.id}`);
    const list = page.getByRole("list", { name: "Specs" });
    await list.getByRole("link", { name: "Overview" }).waitFor();
    expect(await list.getByRole("link").allInnerTexts()).toEqual(["Overview", "Checkout"]);
    await list.getByRole("link", { name: "Overview" }).click();
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    const body = page.getByRole("article", { name: "Spec Overview" });
    await body.getByRole("heading", { name: "Shop" }).waitFor();
    expect(await body.locator("strong").innerText()).toBe("buy");
    expect(await body.getByRole("listitem").allInnerTexts()).toEqual(["cart", "checkout"]);
    // Raw HTML in a spec is text, never markup.
    await body.getByText("<b>raw</b>").waitFor();
    await screenshot(page, "project-spec");
    await page.getByRole("link", { name: "spec-project" }).click();
    await page.getByRole("heading", { name: "spec-project" }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("lists the org's automatons with their project and pauses, resumes and stops one there", async () => {
    const project = await post<Made>("/projects", { name: "auto-project" });
    const task = await post<Made>(`/projects/${project.id}/tasks`, { title: "Long task" });
    // On demand and never ticked: it stays running until told otherwise.
    const run = await post<Automaton>("/automatons", {
      kind: "task-run",
      project_id: project.id,
      task_id: task.id,
      schedule: { type: "on_demand" },
    });
    const name = `Task run ${shortId(run.automaton_id)}`;

    const { page, problems } = await watchedPage(ctx.browser);
    await signInAsDev(page, ctx.stack.url);
    await page
      .getByRole("navigation", { name: "Pages" })
      .getByRole("link", { name: "Automatons" })
      .click();
    await page.getByRole("heading", { name: "Automatons" }).waitFor();
    const row = page
      .getByRole("row")
      .filter({ has: page.getByRole("link", { name: `Live view of ${name}` }) });
    await row.getByRole("link", { name: "auto-project" }).waitFor();
    await row.getByRole("cell", { name: "Task run", exact: true }).waitFor();
    await row.getByText("running", { exact: true }).waitFor();
    await screenshot(page, "automatons-list");
    await page.getByRole("button", { name: "Theme" }).click();
    await screenshot(page, "automatons-list-other-theme");

    await row.getByRole("button", { name: `Pause ${name}` }).click();
    await row.getByText("paused", { exact: true }).waitFor();
    await row.getByRole("button", { name: `Resume ${name}` }).click();
    await row.getByText("running", { exact: true }).waitFor();
    await row.getByRole("button", { name: `Stop ${name}` }).click();
    await row.getByText("stopped", { exact: true }).waitFor();
    expect(await row.getByRole("button").count()).toBe(0);
    expect((await get<Automaton>(`/automatons/${run.automaton_id}`)).status).toBe("stopped");
    await screenshot(page, "automatons-list-stopped");

    await row.getByRole("link", { name: `Live view of ${name}` }).click();
    await page.getByRole("heading", { name: "Task run automaton" }).waitFor();
    await page
      .getByRole("status", { name: "Automaton status" })
      .filter({ hasText: /^stopped$/ })
      .waitFor();
    const events = page.getByRole("list", { name: "Automaton events" });
    await events.getByText("stopped", { exact: true }).waitFor();
    await page.getByRole("link", { name: "auto-project" }).click();
    await page.getByRole("heading", { name: "auto-project" }).waitFor();
    const mine = page.getByRole("list", { name: "Project automatons" });
    await mine.getByRole("listitem", { name }).getByText("stopped", { exact: true }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("starts a task run and a spec generation from a project page and lists them there", async () => {
    const project = await post<Made>("/projects", { name: "start-project" });
    await post(`/projects/${project.id}/tasks`, { title: "Runnable" });
    ctx.fake.script([{ kind: "reply", content: [{ type: "text", text: "Working on it." }] }]);

    const { page, problems } = await watchedPage(ctx.browser, { width: 390, height: 844 });
    await signInAsDev(page, ctx.stack.url);
    await page.goto(`${ctx.stack.url}/#/projects/${project.id}`);
    await page.getByText("No automatons have worked on this project.").waitFor();
    const card = page.getByRole("listitem", { name: "Task Runnable" });
    await card.getByRole("button", { name: "Run task" }).click();
    await card.getByText("Task run started.").waitFor();
    const mine = page.getByRole("list", { name: "Project automatons" });
    await mine.getByRole("link", { name: /^Live view of Task run / }).waitFor();

    // The project's workspace has no requirements file: the spec generation fails saying so.
    const form = page.getByRole("form", { name: "Generate specs" });
    expect(await form.getByRole("textbox", { name: "Requirements file" }).inputValue()).toBe(
      "requirements.md",
    );
    await form.getByRole("button", { name: "Generate specs" }).click();
    const specGen = mine.getByRole("listitem", { name: /^Spec generation / });
    await specGen.getByText("failed", { exact: true }).waitFor();
    await specGen.getByText(/requirements file requirements\.md could not be read/).waitFor();
    const overflow = await page.evaluate("document.documentElement.scrollWidth - innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "project-automatons-phone");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
