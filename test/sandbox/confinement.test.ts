import { mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startSandbox,
  type TestSandbox,
  type WorkspaceClient,
  workspaceClient,
} from "./helpers.js";

let sandbox: TestSandbox;
let ws: WorkspaceClient;
let outside: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  ws = await workspaceClient(sandbox);
  await ws.dispatch("write_file", { path: "inside.txt", content: "inside" });
  // A directory next to the workspaces, standing for anything on the host.
  outside = path.join(sandbox.root, "host");
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(outside, "secret.txt"), "host secret");
});
afterAll(() => sandbox.stop());

async function expectViolation(tool: string, args: Record<string, unknown>): Promise<string> {
  const reply = await ws.dispatch(tool, args);
  expect(reply.result.ok, JSON.stringify(reply.result)).toBe(false);
  expect(reply.result.metadata.error_code).toBe("sandbox_violation");
  expect(reply.result.stderr).not.toContain("host secret");
  return reply.result.stderr;
}

describe("path confinement", () => {
  it("refuses ../ chains that leave the workspace, for every path tool", async () => {
    const climb = "../../host/secret.txt";
    await expectViolation("read_file", { path: climb });
    await expectViolation("write_file", { path: "../../host/new.txt", content: "x" });
    await expectViolation("edit_file", { path: climb, old_text: "host", new_text: "x" });
    await expectViolation("delete_file", { path: climb });
    await expectViolation("list_files", { path: "../.." });
    await expectViolation("stat_file", { path: "a/../../../host" });
    await expectViolation("find_files", { pattern: "*", path: ".." });
    await expectViolation("search_code", { pattern: "secret", path: "../../host" });
    await expectViolation("run_command", { command: "ls", working_dir: "../.." });
    await expect(stat(path.join(outside, "new.txt"))).rejects.toThrow();
  });

  it("accepts ../ that stays inside the workspace", async () => {
    const reply = await ws.dispatch("read_file", { path: "sub/../inside.txt" });
    expect(reply.result.stdout).toBe("inside");
  });

  it("refuses absolute paths outside the workspace and accepts them inside it", async () => {
    await expectViolation("read_file", { path: "/etc/passwd" });
    await expectViolation("read_file", { path: path.join(outside, "secret.txt") });
    // A sibling whose name starts with the workspace's own name is still outside.
    await expectViolation("read_file", { path: `${ws.dir}-evil/x` });
    const inside = await ws.dispatch("read_file", { path: path.join(ws.dir, "inside.txt") });
    expect(inside.result.stdout).toBe("inside");
  });

  it("refuses a symbolic link that points outside, for reads, writes and deletes", async () => {
    await symlink(path.join(outside, "secret.txt"), path.join(ws.dir, "link.txt"));
    await expectViolation("read_file", { path: "link.txt" });
    await expectViolation("write_file", { path: "link.txt", content: "overwritten" });
    await expectViolation("edit_file", { path: "link.txt", old_text: "host", new_text: "x" });
    await expectViolation("stat_file", { path: "link.txt" });
    await expectViolation("delete_file", { path: "link.txt" });
    expect(await readFile(path.join(outside, "secret.txt"), "utf8")).toBe("host secret");
  });

  it("refuses a path under a symlinked parent directory that leads outside", async () => {
    await symlink(outside, path.join(ws.dir, "hostdir"));
    await expectViolation("read_file", { path: "hostdir/secret.txt" });
    await expectViolation("write_file", { path: "hostdir/planted.txt", content: "x" });
    await expectViolation("write_file", { path: "hostdir/deep/new/planted.txt", content: "x" });
    await expectViolation("list_files", { path: "hostdir" });
    await expectViolation("run_command", { command: "ls", working_dir: "hostdir" });
    await expect(stat(path.join(outside, "planted.txt"))).rejects.toThrow();
    await expect(stat(path.join(outside, "deep"))).rejects.toThrow();
  });

  it("refuses a dangling symbolic link whose target is outside", async () => {
    await symlink(path.join(outside, "not-yet.txt"), path.join(ws.dir, "dangling"));
    await expectViolation("write_file", { path: "dangling", content: "planted" });
    await expect(stat(path.join(outside, "not-yet.txt"))).rejects.toThrow();
  });

  it("follows a symbolic link that stays inside the workspace", async () => {
    await symlink("inside.txt", path.join(ws.dir, "alias.txt"));
    const reply = await ws.dispatch("read_file", { path: "alias.txt" });
    expect(reply.result.stdout).toBe("inside");
  });

  it("refuses NUL bytes", async () => {
    const message = await expectViolation("read_file", { path: "inside.txt\u0000.png" });
    expect(message).toContain("NUL");
    await expectViolation("write_file", { path: "a\u0000b", content: "x" });
  });

  it("refuses over-long paths and path components", async () => {
    await expectViolation("write_file", { path: `${"a".repeat(256)}.txt`, content: "x" });
    // Under 4096 bytes as given, over it once joined to the workspace root.
    const deep = Array.from({ length: 40 }, () => "d".repeat(100)).join("/");
    await expectViolation("write_file", { path: deep, content: "x" });
    // Over 4096 characters: the argument schema refuses it before confinement sees it.
    const longer = Array.from({ length: 41 }, () => "d".repeat(100)).join("/");
    const reply = await ws.dispatch("write_file", { path: longer, content: "x" });
    expect(reply.result.metadata.error_code).toBe("invalid_arguments");
    // Under 4096 characters but over 4096 UTF-8 bytes.
    const notQuite = Array.from({ length: 17 }, () => "é".repeat(127)).join("/");
    expect(notQuite.length).toBeLessThan(4096);
    expect(Buffer.byteLength(notQuite)).toBeGreaterThan(4096);
    await expectViolation("write_file", { path: notQuite, content: "x" });
  });
});

describe("command allowlist", () => {
  let strict: TestSandbox;
  let client: WorkspaceClient;

  beforeAll(async () => {
    strict = await startSandbox({ allowedCommands: ["echo", "ls"] });
    client = await workspaceClient(strict);
  });
  afterAll(() => strict.stop());

  it("runs a command whose first word is allowed", async () => {
    const reply = await client.dispatch("run_command", { command: "echo allowed" });
    expect(reply.result).toMatchObject({ ok: true, stdout: "allowed\n" });
  });

  it("refuses a first word that is not on the list, however it is spelled", async () => {
    for (const command of ["rm -rf .", "/bin/echo hi", "'echo' hi", "X=1 echo hi", "  cat x"]) {
      const reply = await client.dispatch("run_command", { command });
      expect(reply.result.metadata.error_code, command).toBe("command_not_allowed");
    }
  });

  it("refuses every shell metacharacter that could chain or substitute a command", async () => {
    const attempts = [
      "echo a; touch pwned",
      "echo a && touch pwned",
      "echo a || touch pwned",
      "echo a | sh",
      "echo $(touch pwned)",
      "echo `touch pwned`",
      "echo a\ntouch pwned",
      "echo a\rtouch pwned",
      "echo a & touch pwned",
      "echo a > pwned",
      "ls < /etc/passwd",
      "echo $PATH",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal shell text is the point
      "echo ${HOME}",
      "echo a \\; touch pwned",
      "ls (x)",
    ];
    for (const command of attempts) {
      const reply = await client.dispatch("run_command", { command });
      expect(reply.result.metadata.error_code, JSON.stringify(command)).toBe("command_not_allowed");
    }
    await expect(stat(path.join(client.dir, "pwned"))).rejects.toThrow();
  });
});
