import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
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

beforeAll(async () => {
  sandbox = await startSandbox();
  ws = await workspaceClient(sandbox);
  // The workspace directory exists once the first request has opened it.
  await ws.dispatch("list_files", {});
});
afterAll(() => sandbox.stop());

const file = (rel: string) => path.join(ws.dir, rel);

describe("write_file", () => {
  it("creates a file and its parent directories and reports it created", async () => {
    const reply = await ws.dispatch("write_file", { path: "a/b/c.txt", content: "hello\n" });
    expect(reply.result.ok).toBe(true);
    expect(reply.files_changed).toEqual({ created: ["a/b/c.txt"], modified: [], deleted: [] });
    expect(await readFile(file("a/b/c.txt"), "utf8")).toBe("hello\n");
  });

  it("reports a rewrite of an existing file as modified", async () => {
    await writeFile(file("rewrite.txt"), "one");
    const reply = await ws.dispatch("write_file", { path: "rewrite.txt", content: "two" });
    expect(reply.files_changed.modified).toEqual(["rewrite.txt"]);
    expect(await readFile(file("rewrite.txt"), "utf8")).toBe("two");
  });

  it("refuses to shrink a substantial file below 10% of its size", async () => {
    const original = "x".repeat(5000);
    await writeFile(file("big.txt"), original);
    const reply = await ws.dispatch("write_file", { path: "big.txt", content: "tiny" });
    expect(reply.result.ok).toBe(false);
    expect(reply.result.metadata.error_code).toBe("invalid_arguments");
    expect(reply.result.stderr).toMatch(/refusing to shrink big\.txt from 5000 to 4 bytes/);
    expect(reply.files_changed.modified).toEqual([]);
    expect(await readFile(file("big.txt"), "utf8")).toBe(original);
  });

  it("lets a small file shrink to anything and a big one to 10% or more", async () => {
    await writeFile(file("small.txt"), "y".repeat(300));
    expect((await ws.dispatch("write_file", { path: "small.txt", content: "" })).result.ok).toBe(
      true,
    );
    await writeFile(file("big2.txt"), "z".repeat(5000));
    const reply = await ws.dispatch("write_file", { path: "big2.txt", content: "z".repeat(500) });
    expect(reply.result.ok).toBe(true);
  });

  it("refuses to write over a directory", async () => {
    await mkdir(file("adir"), { recursive: true });
    const reply = await ws.dispatch("write_file", { path: "adir", content: "x" });
    expect(reply.result.metadata.error_code).toBe("io_error");
  });
});

describe("read_file", () => {
  beforeAll(async () => {
    await writeFile(file("lines.txt"), "first\nsecond\nthird\nfourth\n");
  });

  it("returns the whole text", async () => {
    const reply = await ws.dispatch("read_file", { path: "lines.txt" });
    expect(reply.result).toMatchObject({ ok: true, stdout: "first\nsecond\nthird\nfourth\n" });
    expect(reply.files_changed).toEqual({ created: [], modified: [], deleted: [] });
  });

  it("prints a line range as %6d|line", async () => {
    const reply = await ws.dispatch("read_file", { path: "lines.txt", start_line: 2, end_line: 3 });
    expect(reply.result.stdout).toBe("     2|second\n     3|third");
    expect(reply.result.metadata).toMatchObject({ total_lines: 4, start_line: 2, end_line: 3 });
  });

  it("reads from start_line to the end and clamps end_line to the last line", async () => {
    const tail = await ws.dispatch("read_file", { path: "lines.txt", start_line: 4 });
    expect(tail.result.stdout).toBe("     4|fourth");
    const clamped = await ws.dispatch("read_file", { path: "lines.txt", end_line: 99 });
    expect(clamped.result.stdout.split("\n")).toHaveLength(4);
  });

  it("refuses an end_line before start_line", async () => {
    const reply = await ws.dispatch("read_file", { path: "lines.txt", start_line: 3, end_line: 2 });
    expect(reply.result.metadata.error_code).toBe("invalid_arguments");
  });

  it("reads at most max_bytes", async () => {
    const reply = await ws.dispatch("read_file", { path: "lines.txt", max_bytes: 5 });
    expect(reply.result.stdout).toBe("first");
    expect(reply.result.metadata.truncated).toBe(true);
  });

  it("refuses a file over 5 MB unless max_bytes asks for its beginning", async () => {
    await writeFile(file("huge.txt"), Buffer.alloc(5_000_001, "a"));
    const refused = await ws.dispatch("read_file", { path: "huge.txt" });
    expect(refused.result.metadata.error_code).toBe("size_limit_exceeded");
    const head = await ws.dispatch("read_file", { path: "huge.txt", max_bytes: 10 });
    expect(head.result.stdout).toBe("aaaaaaaaaa");
  });

  it("reports a missing file as path_not_found", async () => {
    const reply = await ws.dispatch("read_file", { path: "nope.txt" });
    expect(reply.result.metadata.error_code).toBe("path_not_found");
    expect(reply.result.stderr).toContain("nope.txt");
  });

  it("rejects arguments that fail the schema, naming the field", async () => {
    const reply = await ws.dispatch("read_file", { path: "lines.txt", start_line: 0 });
    expect(reply.result.metadata.error_code).toBe("invalid_arguments");
    expect(reply.result.stderr).toMatch(/^start_line:/);
    const extra = await ws.dispatch("read_file", { path: "lines.txt", bogus: true });
    expect(extra.result.metadata.error_code).toBe("invalid_arguments");
  });
});

describe("edit_file", () => {
  it("replaces an exact match and reports the file modified", async () => {
    await writeFile(file("e1.ts"), "const a = 1;\nconst b = 2;\n");
    const reply = await ws.dispatch("edit_file", {
      path: "e1.ts",
      old_text: "const b = 2;",
      new_text: "const b = 3;",
    });
    expect(reply.result).toMatchObject({ ok: true, metadata: { match: "exact", replacements: 1 } });
    expect(reply.files_changed.modified).toEqual(["e1.ts"]);
    expect(await readFile(file("e1.ts"), "utf8")).toBe("const a = 1;\nconst b = 3;\n");
  });

  it("falls back to a whitespace-tolerant line match", async () => {
    await writeFile(file("e2.ts"), "function f() {\n    if (x) {\n        go( 1 );\n    }\n}\n");
    const reply = await ws.dispatch("edit_file", {
      path: "e2.ts",
      old_text: "if (x) {\n  go( 1 );\n}",
      new_text: "    stop();",
    });
    expect(reply.result).toMatchObject({ ok: true, metadata: { match: "whitespace_tolerant" } });
    expect(await readFile(file("e2.ts"), "utf8")).toBe("function f() {\n    stop();\n}\n");
  });

  it("refuses several matches without replace_all, saying how many", async () => {
    await writeFile(file("e3.txt"), "foo\nbar\nfoo\nfoo\n");
    const reply = await ws.dispatch("edit_file", {
      path: "e3.txt",
      old_text: "foo",
      new_text: "x",
    });
    expect(reply.result.ok).toBe(false);
    expect(reply.result.metadata.error_code).toBe("invalid_arguments");
    expect(reply.result.stderr).toContain("matches 3 places");
    expect(await readFile(file("e3.txt"), "utf8")).toBe("foo\nbar\nfoo\nfoo\n");
  });

  it("replaces every match with replace_all", async () => {
    await writeFile(file("e4.txt"), "foo\nbar\nfoo\n");
    const reply = await ws.dispatch("edit_file", {
      path: "e4.txt",
      old_text: "foo",
      new_text: "baz",
      replace_all: true,
    });
    expect(reply.result.metadata.replacements).toBe(2);
    expect(await readFile(file("e4.txt"), "utf8")).toBe("baz\nbar\nbaz\n");
  });

  it("keeps the CRLF line endings of a CRLF file", async () => {
    await writeFile(file("crlf.txt"), "one\r\ntwo\r\nthree\r\n");
    const reply = await ws.dispatch("edit_file", {
      path: "crlf.txt",
      old_text: "two\nthree",
      new_text: "2\n3\n3.5",
    });
    expect(reply.result).toMatchObject({ ok: true, metadata: { line_endings: "crlf" } });
    expect(await readFile(file("crlf.txt"), "utf8")).toBe("one\r\n2\r\n3\r\n3.5\r\n");
  });

  it("reports text that is not there", async () => {
    await writeFile(file("e5.txt"), "alpha\n");
    const reply = await ws.dispatch("edit_file", {
      path: "e5.txt",
      old_text: "beta",
      new_text: "x",
    });
    expect(reply.result.metadata.error_code).toBe("invalid_arguments");
    expect(reply.result.stderr).toContain("not found");
  });
});

describe("delete_file", () => {
  it("deletes a file and reports it deleted", async () => {
    await writeFile(file("gone.txt"), "bye");
    const reply = await ws.dispatch("delete_file", { path: "gone.txt" });
    expect(reply.result.ok).toBe(true);
    expect(reply.files_changed).toEqual({ created: [], modified: [], deleted: ["gone.txt"] });
    await expect(stat(file("gone.txt"))).rejects.toThrow();
  });

  it("refuses a directory", async () => {
    await mkdir(file("keep"), { recursive: true });
    const reply = await ws.dispatch("delete_file", { path: "keep" });
    expect(reply.result.metadata.error_code).toBe("io_error");
    expect((await stat(file("keep"))).isDirectory()).toBe(true);
  });

  it("reports a missing file as path_not_found", async () => {
    const reply = await ws.dispatch("delete_file", { path: "never.txt" });
    expect(reply.result.metadata.error_code).toBe("path_not_found");
  });
});

describe("list_files and stat_file", () => {
  it("lists directories first, each group sorted, skipping vendor and VCS dirs", async () => {
    const dir = file("listing");
    for (const d of ["zeta", "alpha", ".git", "node_modules", "target", "__pycache__"]) {
      await mkdir(path.join(dir, d), { recursive: true });
    }
    for (const f of ["b.txt", "A.txt", ".env"]) await writeFile(path.join(dir, f), "");
    const reply = await ws.dispatch("list_files", { path: "listing" });
    expect(reply.result.stdout).toBe("alpha/\nzeta/\n.env\nA.txt\nb.txt");
  });

  it("describes size, kind and write permission", async () => {
    await writeFile(file("st.txt"), "12345");
    const reply = await ws.dispatch("stat_file", { path: "st.txt" });
    expect(JSON.parse(reply.result.stdout)).toMatchObject({
      path: "st.txt",
      size: 5,
      is_file: true,
      is_dir: false,
      readonly: false,
    });
    await chmod(file("st.txt"), 0o444);
    const readonly = await ws.dispatch("stat_file", { path: "st.txt" });
    expect(readonly.result.metadata.readonly).toBe(true);
    const dir = await ws.dispatch("stat_file", { path: "." });
    expect(dir.result.metadata).toMatchObject({ is_dir: true, is_file: false });
  });
});

describe("unknown tools", () => {
  it("answers unknown_tool for send_message, spawn_agent and made-up names", async () => {
    for (const tool of ["send_message", "spawn_agent", "format_disk"]) {
      const reply = await ws.dispatch(tool, {});
      expect(reply.result).toMatchObject({
        tool,
        ok: false,
        metadata: { error_code: "unknown_tool" },
      });
    }
  });
});
