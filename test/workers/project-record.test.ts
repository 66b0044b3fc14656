import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { projectStub } from "../../durable-objects/stubs.js";
import { base64ToText } from "../../src/core/base64.js";
import type { RecordEntry } from "../../src/core/record.js";
import type { VerifyReport } from "../../src/protocol/agents.js";
import type { Commit } from "../../src/protocol/projects.js";
import type { FilesResponse, ReadFileResponse } from "../../src/protocol/sandbox.js";
import { SandboxClient, urlTransport } from "../../src/tools/sandbox-client.js";
import { projectWorkspaceIdOf, workspaceIdOf } from "../../src/tools/workspace-id.js";
import { bodyOf, call, mintToken } from "./helpers.js";
import { createProject, createSpec, createTask, moveTask } from "./project-helpers.js";
import { TEST_SANDBOX_SECRET } from "./test-secret.js";

const ORG = "org-project-record";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

async function recordOf(projectId: string): Promise<RecordEntry[]> {
  return bodyOf<RecordEntry[]>(await call("GET", `/projects/${projectId}/record`, { token }));
}

async function verifyOf(projectId: string): Promise<VerifyReport> {
  return bodyOf<VerifyReport>(await call("GET", `/projects/${projectId}/verify`, { token }));
}

/** A project with a spec, two dependent tasks and a transition: 6 mutations, 6 entries. */
async function busyProject(): Promise<string> {
  const project = await createProject(token);
  const spec = await createSpec(token, project.id);
  const a = await createTask(token, project.id, { spec_id: spec.id });
  await createTask(token, project.id, { dependency_ids: [a.id] });
  await moveTask(token, project.id, a.id, "in_progress", "done");
  return project.id;
}

describe("a project's record", () => {
  it("grows by one chained entry per mutation, and verifies", async () => {
    const projectId = await busyProject();
    const record = await recordOf(projectId);
    expect(record.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const [i, entry] of record.entries()) {
      expect(entry.tx).toMatchObject({ agent_id: projectId, tx_type: "system", sub: "test-user" });
      if (i > 0) expect(entry.prev_hash).toBe(record[i - 1]?.hash);
    }
    const last = JSON.parse(base64ToText(record[5]?.tx.payload ?? ""));
    expect(last.command).toBe("transition_task");
    // The second task became ready in the same entry as the first became done.
    expect(last.events.map((e: { to: string; cause: string }) => [e.to, e.cause])).toEqual([
      ["done", "requested"],
      ["ready", "dependencies"],
    ]);
    expect(await verifyOf(projectId)).toEqual({ ok: true, head_seq: 6, checked: 6 });
    const page = await call("GET", `/projects/${projectId}/record?from_seq=5&limit=1`, { token });
    expect((await bodyOf<RecordEntry[]>(page)).map((e) => e.seq)).toEqual([5]);
  });

  it("reports the first bad seq when a stored entry is rewritten", async () => {
    const projectId = await busyProject();
    await runInDurableObject(projectStub(env, ORG, projectId), (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TRIGGER record_no_update");
      sql.exec("UPDATE record SET hash = ? WHERE seq = 3", "0".repeat(64));
    });
    expect(await verifyOf(projectId)).toMatchObject({ ok: false, first_bad_seq: 3, checked: 2 });
  });

  it("reports a state mismatch when a task row is changed behind the record's back", async () => {
    const projectId = await busyProject();
    await runInDurableObject(projectStub(env, ORG, projectId), (_instance, state) => {
      const sql = state.storage.sql;
      const row = sql
        .exec<{ task_id: string; data: string }>("SELECT task_id, data FROM task LIMIT 1")
        .one();
      const forged = JSON.stringify({ ...JSON.parse(row.data), status: "failed" });
      sql.exec("UPDATE task SET data = ? WHERE task_id = ?", forged, row.task_id);
    });
    const report = await verifyOf(projectId);
    expect(report).toMatchObject({ ok: false, head_seq: 6, checked: 6 });
    expect(report.reason).toMatch(/^state_mismatch/);
  });

  it("refuses any UPDATE or DELETE of an entry inside the object", async () => {
    const projectId = await busyProject();
    const refused = await runInDurableObject(
      projectStub(env, ORG, projectId),
      (_instance, state) => {
        try {
          state.storage.sql.exec("DELETE FROM record WHERE seq = 1");
          return "deleted";
        } catch (err) {
          return String(err);
        }
      },
    );
    expect(refused).toMatch(/append-only/);
  });
});

describe("a project's workspace", () => {
  it("has its own workspace id, apart from any agent's", () => {
    const id = "ab".repeat(32);
    expect(projectWorkspaceIdOf(ORG, id)).not.toBe(workspaceIdOf(ORG, id));
  });

  it("shows files, a file's text and the git log through the real sandbox", async () => {
    const project = await createProject(token);
    expect(
      await bodyOf<Commit[]>(await call("GET", `/projects/${project.id}/commits`, { token })),
    ).toEqual([]);

    // Given a commit made in the project's workspace, in the sandbox
    const sandbox = new SandboxClient(urlTransport(inject("sandboxUrl")), TEST_SANDBOX_SECRET);
    const git = "git -c user.name=t -c user.email=t@example.invalid";
    const made = await sandbox.dispatch(projectWorkspaceIdOf(ORG, project.id), {
      action_id: `setup-${project.id.slice(0, 16)}`,
      tool: "run_command",
      args: {
        command: `git init -q && echo hello > README.md && git add README.md && ${git} commit -q -m "task(1): first" && echo more >> README.md && ${git} commit -qam "task(2): second"`,
      },
    });
    expect(made.result).toMatchObject({ ok: true });

    const files = await bodyOf<FilesResponse>(
      await call("GET", `/projects/${project.id}/files`, { token }),
    );
    expect(files).toMatchObject({ ok: true, entries: [{ name: "README.md", is_dir: false }] });
    const read = await call("GET", `/projects/${project.id}/read-file?path=README.md`, { token });
    expect(await bodyOf<ReadFileResponse>(read)).toEqual({
      ok: true,
      content: "hello\nmore\n",
      path: "README.md",
    });

    const commits = await bodyOf<Commit[]>(
      await call("GET", `/projects/${project.id}/commits`, { token }),
    );
    expect(commits.map((c) => c.message)).toEqual(["task(2): second", "task(1): first"]);
    expect(commits[0]?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(Math.abs((commits[0]?.time ?? 0) - Date.now())).toBeLessThan(120_000);
    const one = await call("GET", `/projects/${project.id}/commits?limit=1`, { token });
    expect((await bodyOf<Commit[]>(one)).length).toBe(1);
  });

  it("answers 400 naming the path when read-file has none", async () => {
    const project = await createProject(token);
    const response = await call("GET", `/projects/${project.id}/read-file`, { token });
    expect(response.status).toBe(400);
    expect((await bodyOf<{ error: { message: string } }>(response)).error.message).toMatch(
      /^path:/,
    );
  });
});
