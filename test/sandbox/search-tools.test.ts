import { mkdir, symlink, writeFile } from "node:fs/promises";
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

async function put(rel: string, content: string | Buffer): Promise<void> {
  const abs = path.join(ws.dir, rel);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, content);
}

beforeAll(async () => {
  sandbox = await startSandbox();
  ws = await workspaceClient(sandbox);
  await put("src/app.ts", "import x from 'y';\n// TODO(ana): split\nexport const app = 1;\n");
  await put("src/lib/util.ts", "export function util() {\n  return 42;\n}\n// TODO(bo): test\n");
  await put("src/lib/util.js", "// TODO(js): generated\n");
  await put("README.md", "# Project\nTODO: docs\n");
  await put("node_modules/dep/index.ts", "// TODO(dep)\n");
  await put(".git/HEAD", "TODO\n");
  await put("bin/blob.bin", Buffer.from([0x54, 0x4f, 0x44, 0x4f, 0, 1, 2]));
});
afterAll(() => sandbox.stop());

describe("find_files", () => {
  it("matches a glob and returns workspace-relative paths in order", async () => {
    const reply = await ws.dispatch("find_files", { pattern: "**/*.ts" });
    expect(reply.result.stdout).toBe("src/app.ts\nsrc/lib/util.ts");
  });

  it("searches under path and still prints workspace-relative paths", async () => {
    const reply = await ws.dispatch("find_files", { pattern: "*.{ts,js}", path: "src/lib" });
    expect(reply.result.stdout).toBe("src/lib/util.js\nsrc/lib/util.ts");
  });

  it("returns at most 200 results and says how many there were", async () => {
    await Promise.all(
      Array.from({ length: 230 }, (_, i) => put(`many/f${String(i).padStart(3, "0")}.txt`, "")),
    );
    const reply = await ws.dispatch("find_files", { pattern: "many/*.txt" });
    expect(reply.result.stdout.split("\n")).toHaveLength(200);
    expect(reply.result.metadata).toMatchObject({ count: 200, total: 230, truncated: true });
  });

  it("never follows a symbolic link out of the workspace", async () => {
    const outside = path.join(sandbox.root, "outside");
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, "secret.ts"), "secret");
    await symlink(outside, path.join(ws.dir, "escape"));
    const reply = await ws.dispatch("find_files", { pattern: "**/secret.ts" });
    expect(reply.result).toMatchObject({ ok: true, stdout: "" });
  });

  it("refuses patterns that climb out with .. or start at /", async () => {
    for (const pattern of ["../**", "src/../../*", "/etc/*", "{..,src}/*"]) {
      const reply = await ws.dispatch("find_files", { pattern });
      expect(reply.result.metadata.error_code).toBe("sandbox_violation");
    }
  });
});

describe("search_code", () => {
  it("prints path:line:text for every match, skipping binaries and vendor dirs", async () => {
    const reply = await ws.dispatch("search_code", { pattern: "TODO\\(\\w+\\)" });
    expect(reply.result.stdout.split("\n")).toEqual([
      "src/app.ts:2:// TODO(ana): split",
      "src/lib/util.js:1:// TODO(js): generated",
      "src/lib/util.ts:4:// TODO(bo): test",
    ]);
    expect(reply.result.metadata).toMatchObject({ matches: 3, truncated: false });
  });

  it("limits the files searched with an include glob at any depth", async () => {
    const reply = await ws.dispatch("search_code", { pattern: "TODO", include: "*.ts" });
    expect(reply.result.stdout).not.toContain("util.js");
    expect(reply.result.stdout).not.toContain("README");
    expect(reply.result.stdout).toContain("src/lib/util.ts:4:");
  });

  it("searches one file when path names a file", async () => {
    const reply = await ws.dispatch("search_code", { pattern: "docs", path: "README.md" });
    expect(reply.result.stdout).toBe("README.md:2:TODO: docs");
  });

  it("stops at max_results", async () => {
    const reply = await ws.dispatch("search_code", { pattern: "TODO", max_results: 2 });
    expect(reply.result.stdout.split("\n")).toHaveLength(2);
    expect(reply.result.metadata).toMatchObject({ matches: 2, truncated: true });
  });

  it("prints context lines as path-line-text with -- between groups", async () => {
    const reply = await ws.dispatch("search_code", {
      pattern: "return 42|TODO\\(ana\\)",
      context_lines: 1,
    });
    expect(reply.result.stdout.split("\n")).toEqual([
      "src/app.ts-1-import x from 'y';",
      "src/app.ts:2:// TODO(ana): split",
      "src/app.ts-3-export const app = 1;",
      "--",
      "src/lib/util.ts-1-export function util() {",
      "src/lib/util.ts:2:  return 42;",
      "src/lib/util.ts-3-}",
    ]);
  });

  it("skips files over 5 MB", async () => {
    await put("large/big.txt", `needle-in-big\n${"a".repeat(5_000_001)}`);
    const reply = await ws.dispatch("search_code", { pattern: "needle-in-big", path: "large" });
    expect(reply.result.stdout).toBe("");
    expect(reply.result.metadata.files_skipped).toBe(1);
  });

  it("refuses an invalid regular expression", async () => {
    const reply = await ws.dispatch("search_code", { pattern: "(unclosed" });
    expect(reply.result.metadata.error_code).toBe("invalid_arguments");
  });
});
