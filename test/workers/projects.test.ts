import { beforeAll, describe, expect, it } from "vitest";
import type { Project, Spec, Task } from "../../src/protocol/projects.js";
import { bodyOf, call, mintToken } from "./helpers.js";
import {
  createProject,
  createSpec,
  createTask,
  moveTask,
  refusal,
  tasksById,
  transition,
} from "./project-helpers.js";

const ORG = "org-projects";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

describe("projects over HTTP", () => {
  it("creates a project with 201 and its id, lists, reads, patches and deletes it", async () => {
    const project = await createProject(token, {
      name: "shop",
      description: "a web shop",
      git_branch: "main",
    });
    expect(project).toMatchObject({ name: "shop", description: "a web shop", git_branch: "main" });
    expect(project.id).toMatch(/^[0-9a-f]{64}$/);

    const listed = await bodyOf<Project[]>(await call("GET", "/projects", { token }));
    expect(listed.map((p) => p.id)).toContain(project.id);

    const patched = await call("PATCH", `/projects/${project.id}`, {
      token,
      json: { description: "a bigger shop", git_branch: null },
    });
    expect(patched.status).toBe(200);
    const after = await bodyOf<Project>(patched);
    expect(after).toMatchObject({ name: "shop", description: "a bigger shop" });
    expect(after.git_branch).toBeUndefined();

    expect((await call("DELETE", `/projects/${project.id}`, { token })).status).toBe(200);
    expect((await call("GET", `/projects/${project.id}`, { token })).status).toBe(404);
    const relisted = await bodyOf<Project[]>(await call("GET", "/projects", { token }));
    expect(relisted.map((p) => p.id)).not.toContain(project.id);
  });

  it("refuses bad input with 400 naming the field, and unknown ids with 404", async () => {
    const noName = await refusal(await call("POST", "/projects", { token, json: {} }));
    expect(noName).toMatchObject({ status: 400, error: { code: "invalid_request" } });
    expect(noName.error.message).toMatch(/^name:/);

    const project = await createProject(token);
    const badStatus = await refusal(
      await call("POST", `/projects/${project.id}/tasks`, {
        token,
        json: { title: "t", status: "done" },
      }),
    );
    expect(badStatus.status).toBe(400);
    expect(badStatus.error.message).toContain("status");

    const badId = await refusal(await call("GET", "/projects/not-hex", { token }));
    expect(badId).toMatchObject({ status: 400 });
    expect(badId.error.message).toMatch(/^project_id:/);

    const missing = `${"0".repeat(32)}`;
    expect((await call("GET", `/projects/${"e".repeat(64)}`, { token })).status).toBe(404);
    expect((await call("GET", `/projects/${project.id}/tasks/${missing}`, { token })).status).toBe(
      404,
    );
    expect(
      (
        await call("PATCH", `/projects/${project.id}/specs/${missing}`, {
          token,
          json: { title: "x" },
        })
      ).status,
    ).toBe(404);
  });

  it("creates, reads, patches and deletes specs, listed in order", async () => {
    const project = await createProject(token);
    const first = await createSpec(token, project.id, "first");
    const second = await createSpec(token, project.id, "second");
    expect([first.order, second.order]).toEqual([0, 1]);
    const moved = await call("PATCH", `/projects/${project.id}/specs/${second.id}`, {
      token,
      json: { order: 0, markdown_contents: "# moved" },
    });
    expect(await bodyOf<Spec>(moved)).toMatchObject({ order: 0, markdown_contents: "# moved" });
    const got = await bodyOf<Spec>(
      await call("GET", `/projects/${project.id}/specs/${first.id}`, { token }),
    );
    expect(got.title).toBe("first");
    expect(
      (await call("DELETE", `/projects/${project.id}/specs/${first.id}`, { token })).status,
    ).toBe(200);
    const specs = await bodyOf<Spec[]>(
      await call("GET", `/projects/${project.id}/specs`, { token }),
    );
    expect(specs.map((s) => s.id)).toEqual([second.id]);
  });

  it("makes a task ready from creation on, and its dependants ready once it is done", async () => {
    const project = await createProject(token);
    const a = await createTask(token, project.id, { title: "a" });
    const b = await createTask(token, project.id, { title: "b", dependency_ids: [a.id] });
    expect(a.status).toBe("ready");
    expect(b.status).toBe("pending");

    await moveTask(token, project.id, a.id, "in_progress", "done");
    const tasks = await tasksById(token, project.id);
    expect(tasks.get(a.id)).toMatchObject({ status: "done", attempts: 1 });
    expect(tasks.get(b.id)?.status).toBe("ready");
  });

  it("refuses an invalid transition with 409 naming the allowed ones", async () => {
    const project = await createProject(token);
    const task = await createTask(token, project.id);
    const refused = await refusal(await transition(token, project.id, task.id, "done"));
    expect(refused).toMatchObject({ status: 409, error: { code: "conflict" } });
    expect(refused.error.message).toContain("allowed in_progress, blocked");
    const retried = await transition(token, project.id, task.id, "in_progress");
    expect(await bodyOf<Task>(retried)).toMatchObject({ status: "in_progress", attempts: 1 });
  });

  it("refuses a dependency cycle with 409 naming it, and stores nothing", async () => {
    const project = await createProject(token);
    const a = await createTask(token, project.id, { title: "a" });
    const b = await createTask(token, project.id, { title: "b", dependency_ids: [a.id] });
    const headBefore = (
      await bodyOf<unknown[]>(await call("GET", `/projects/${project.id}/record`, { token }))
    ).length;

    const refused = await refusal(
      await call("PATCH", `/projects/${project.id}/tasks/${a.id}`, {
        token,
        json: { dependency_ids: [b.id] },
      }),
    );
    expect(refused).toMatchObject({
      status: 409,
      error: { code: "conflict", details: { cycle: [a.id, b.id, a.id] } },
    });
    expect(refused.error.message).toContain(`${a.id} → ${b.id} → ${a.id}`);

    const unknown = "f".repeat(32);
    const dangling = await refusal(
      await call("POST", `/projects/${project.id}/tasks`, {
        token,
        json: { title: "c", dependency_ids: [unknown] },
      }),
    );
    expect(dangling).toMatchObject({
      status: 409,
      error: { details: { unknown_dependency_ids: [unknown] } },
    });

    const tasks = await tasksById(token, project.id);
    expect(tasks.get(a.id)?.dependency_ids).toEqual([]);
    expect(tasks.size).toBe(2);
    const headAfter = (
      await bodyOf<unknown[]>(await call("GET", `/projects/${project.id}/record`, { token }))
    ).length;
    expect(headAfter).toBe(headBefore);
  });

  it("refuses to delete a task others depend on, naming the dependants", async () => {
    const project = await createProject(token);
    const a = await createTask(token, project.id);
    const b = await createTask(token, project.id, { dependency_ids: [a.id] });
    const refused = await refusal(
      await call("DELETE", `/projects/${project.id}/tasks/${a.id}`, { token }),
    );
    expect(refused).toMatchObject({ status: 409, error: { details: { dependant_ids: [b.id] } } });
    expect((await call("DELETE", `/projects/${project.id}/tasks/${b.id}`, { token })).status).toBe(
      200,
    );
    expect((await call("DELETE", `/projects/${project.id}/tasks/${a.id}`, { token })).status).toBe(
      200,
    );
  });

  it("keeps another org's token away from a project: 404 everywhere, and not listed", async () => {
    const project = await createProject(token);
    const task = await createTask(token, project.id);
    const other = await mintToken({ org: "org-projects-other" });
    for (const path of [
      "",
      "/specs",
      "/tasks",
      `/tasks/${task.id}`,
      "/record",
      "/verify",
      "/files",
      "/commits",
    ]) {
      expect((await call("GET", `/projects/${project.id}${path}`, { token: other })).status).toBe(
        404,
      );
    }
    expect((await transition(other, project.id, task.id, "in_progress")).status).toBe(404);
    expect((await call("DELETE", `/projects/${project.id}`, { token: other })).status).toBe(404);
    const listed = await bodyOf<Project[]>(await call("GET", "/projects", { token: other }));
    expect(listed.map((p) => p.id)).not.toContain(project.id);
    expect((await call("GET", `/projects/${project.id}`, { token })).status).toBe(200);
  });

  it("needs a token on every project route", async () => {
    expect((await call("GET", "/projects")).status).toBe(401);
    expect((await call("POST", "/projects", { json: { name: "x" } })).status).toBe(401);
  });
});
