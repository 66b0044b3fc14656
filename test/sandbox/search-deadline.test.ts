import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type TestSandbox, workspaceClient } from "./helpers.js";

/** The search deadline of this file's server. */
const DEADLINE_MS = 300;

let sandbox: TestSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ searchDeadlineMs: DEADLINE_MS });
});
afterAll(() => sandbox.stop());

/** `bytes` of pseudo-random lowercase words, 80-character lines. */
function wordsText(bytes: number, seed: number): string {
  const letters = "abcdefghijklmnopqrstuvwxyz ";
  const out: string[] = [];
  let x = seed;
  let line = "";
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    line += letters[x % letters.length];
    if (line.length === 79) {
      out.push(line);
      line = "";
    }
  }
  return `${out.join("\n")}\n`;
}

describe("search_code with a linear-time engine and a deadline", () => {
  it("answers (a+)+$ on a 30-byte file at once, and correctly", async () => {
    const ws = await workspaceClient(sandbox);
    await mkdir(ws.dir, { recursive: true });
    await writeFile(path.join(ws.dir, "evil.txt"), `${"a".repeat(28)}!\naaaa\n`);
    const started = Date.now();
    const reply = await ws.dispatch("search_code", { pattern: "(a+)+$" });
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 2000);
    expect(reply.result).toMatchObject({ ok: true, stdout: "evil.txt:2:aaaa" });
  });

  it("refuses backreferences and lookaround as invalid_arguments naming pattern", async () => {
    const ws = await workspaceClient(sandbox);
    for (const pattern of ["(a)\\1", "foo(?=bar)", "(?<!x)y"]) {
      const reply = await ws.dispatch("search_code", { pattern });
      expect(reply.result.metadata.error_code).toBe("invalid_arguments");
      expect(reply.result.stderr).toMatch(/^pattern: /);
    }
  });

  it("ends tool_timeout past the deadline while /health and another workspace answer promptly", async () => {
    const heavy = await workspaceClient(sandbox);
    await mkdir(heavy.dir, { recursive: true });
    const chunk = wordsText(500_000, 7);
    for (let i = 0; i < 4; i++) {
      await writeFile(path.join(heavy.dir, `big${i}.txt`), chunk.repeat(9));
    }
    const other = await workspaceClient(sandbox);
    await mkdir(other.dir, { recursive: true });
    await writeFile(path.join(other.dir, "note.txt"), "hello\n");

    const started = Date.now();
    const search = heavy.dispatch("search_code", { pattern: "([a-z]{2,20} ?){1,20}[0-9]" });
    await new Promise((resolve) => setTimeout(resolve, 100));

    const healthStarted = Date.now();
    const health = await fetch(`${sandbox.server.url}/health`);
    expect(health.status).toBe(200);
    expect(Date.now() - healthStarted).toBeLessThan(1000);

    const otherStarted = Date.now();
    const read = await other.dispatch("read_file", { path: "note.txt" });
    expect(read.result).toMatchObject({ ok: true, stdout: "hello\n" });
    expect(Date.now() - otherStarted).toBeLessThan(1000);

    const reply = await search;
    expect(reply.result.metadata.error_code).toBe("tool_timeout");
    expect(reply.result.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 3000);
  });
});
