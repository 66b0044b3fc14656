import { execFileSync } from "node:child_process";
import { link, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startSandbox,
  type TestSandbox,
  type WorkspaceClient,
  workspaceClient,
} from "./helpers.js";

const SECRET = "TOP-SECRET-outside-the-workspace";

let sandbox: TestSandbox;
let ws: WorkspaceClient;
let secretFile: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  ws = await workspaceClient(sandbox);
  await mkdir(ws.dir, { recursive: true });
  secretFile = path.join(sandbox.root, "worker.env");
  await writeFile(secretFile, `SANDBOX_TOKEN_SECRET=${SECRET}\n`);
  await link(secretFile, path.join(ws.dir, "hl"));
  execFileSync("mkfifo", [path.join(ws.dir, "fifo")]);
});
afterAll(() => sandbox.stop());

async function expectRefused(tool: string, args: Record<string, unknown>, why: RegExp) {
  const reply = await ws.dispatch(tool, args);
  expect(reply.result.ok).toBe(false);
  expect(reply.result.metadata.error_code).toBe("sandbox_violation");
  expect(reply.result.stderr).toMatch(why);
  expect(JSON.stringify(reply)).not.toContain(SECRET);
}

describe("hard-linked files", () => {
  it("read_file refuses a hard link to a file outside, naming the path, without its content", async () => {
    await expectRefused("read_file", { path: "hl" }, /^hl: has 2 hard links/);
  });

  it("the read-file route refuses it too", async () => {
    const { status, body } = await ws.get("read-file?path=hl");
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: false });
    expect((body as { error: string }).error).toMatch(/^sandbox_violation: hl: has 2 hard links/);
    expect(JSON.stringify(body)).not.toContain(SECRET);
  });

  it("write_file and edit_file leave the outside file untouched", async () => {
    await expectRefused("write_file", { path: "hl", content: "overwritten" }, /hard links/);
    await expectRefused(
      "edit_file",
      { path: "hl", old_text: "SANDBOX", new_text: "X" },
      /hard links/,
    );
    expect(await readFile(secretFile, "utf8")).toBe(`SANDBOX_TOKEN_SECRET=${SECRET}\n`);
  });

  it("a symlink to the hard link is refused the same way", async () => {
    await symlink("hl", path.join(ws.dir, "to-hl"));
    await expectRefused("read_file", { path: "to-hl" }, /hard links/);
  });

  it("search_code skips it", async () => {
    const reply = await ws.dispatch("search_code", { pattern: "SECRET" });
    expect(reply.result).toMatchObject({ ok: true, stdout: "" });
    expect(JSON.stringify(reply)).not.toContain(SECRET);
  });

  it("delete_file removes the workspace's name and not the file outside", async () => {
    await link(secretFile, path.join(ws.dir, "hl2"));
    const reply = await ws.dispatch("delete_file", { path: "hl2" });
    expect(reply.result.ok).toBe(true);
    expect(await readFile(secretFile, "utf8")).toContain(SECRET);
  });
});

describe("special files", () => {
  it("read_file, write_file and edit_file refuse a FIFO at once instead of hanging", async () => {
    const started = Date.now();
    await expectRefused("read_file", { path: "fifo" }, /^fifo: is a FIFO/);
    await expectRefused("write_file", { path: "fifo", content: "x" }, /^fifo: is a FIFO/);
    await expectRefused("edit_file", { path: "fifo", old_text: "a", new_text: "b" }, /FIFO/);
    const { body } = await ws.get("read-file?path=fifo");
    expect((body as { error: string }).error).toMatch(/^sandbox_violation: fifo: is a FIFO/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("search_code skips a FIFO instead of hanging", async () => {
    const reply = await ws.dispatch("search_code", { pattern: "x", path: "fifo" });
    expect(reply.result).toMatchObject({ ok: true, stdout: "" });
    expect(reply.result.metadata.files_skipped).toBe(1);
  });

  it("stat_file still describes it", async () => {
    const reply = await ws.dispatch("stat_file", { path: "fifo" });
    expect(reply.result).toMatchObject({ ok: true, metadata: { is_file: false, is_dir: false } });
  });
});
