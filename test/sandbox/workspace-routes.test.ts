import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FilesResponse, ReadFileResponse } from "../../src/protocol/sandbox.js";
import {
  startSandbox,
  type TestSandbox,
  type WorkspaceClient,
  workspaceClient,
} from "./helpers.js";

let sandbox: TestSandbox;
let ws: WorkspaceClient;

async function put(rel: string, content = ""): Promise<void> {
  const abs = path.join(ws.dir, rel);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, content);
}

beforeAll(async () => {
  sandbox = await startSandbox();
  ws = await workspaceClient(sandbox);
  await ws.dispatch("list_files", {});
  for (const rel of [
    "README.md",
    "src/a.ts",
    "src/deep/er/est/leaf.ts",
    ".env",
    ".git/HEAD",
    "node_modules/x/index.js",
    "dist/out.js",
    "build/out.js",
    "vendor/v.go",
    "target/t.o",
    "__pycache__/c.pyc",
  ]) {
    await put(rel, `content of ${rel}`);
  }
});
afterAll(() => sandbox.stop());

describe("GET …/files", () => {
  it("returns the tree, dirs first, without dot-files or build and vendor dirs", async () => {
    const { status, body } = await ws.get("files?path=.&depth=1");
    expect(status).toBe(200);
    expect(FilesResponse.parse(body)).toEqual({
      ok: true,
      entries: [
        {
          name: "src",
          path: "src",
          is_dir: true,
          children: [
            { name: "deep", path: "src/deep", is_dir: true },
            { name: "a.ts", path: "src/a.ts", is_dir: false },
          ],
        },
        { name: "README.md", path: "README.md", is_dir: false },
      ],
    });
  });

  it("goes three levels deep by default and clamps depth to 0..20", async () => {
    const paths = (body: unknown): string[] => {
      const parsed = FilesResponse.parse(body);
      if (!parsed.ok) throw new Error(parsed.error);
      const out: string[] = [];
      const walk = (entries: typeof parsed.entries) => {
        for (const e of entries) {
          out.push(e.path);
          walk(e.children ?? []);
        }
      };
      walk(parsed.entries);
      return out;
    };
    const byDefault = paths((await ws.get("files")).body);
    expect(byDefault).toContain("src/deep/er/est");
    expect(byDefault).not.toContain("src/deep/er/est/leaf.ts");
    expect(paths((await ws.get("files?depth=99")).body)).toContain("src/deep/er/est/leaf.ts");
    expect(paths((await ws.get("files?depth=-5")).body)).toEqual(["src", "README.md"]);
  });

  it("lists a subdirectory with workspace-relative paths", async () => {
    const { body } = await ws.get("files?path=src/deep&depth=0");
    expect(body).toEqual({
      ok: true,
      entries: [{ name: "er", path: "src/deep/er", is_dir: true }],
    });
  });

  it("refuses a path outside the workspace", async () => {
    const { status, body } = await ws.get("files?path=../..");
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: false, error: expect.stringMatching(/^sandbox_violation:/) });
  });
});

describe("GET …/read-file", () => {
  it("returns a file's content and its workspace-relative path", async () => {
    const { body } = await ws.get(`read-file?path=${encodeURIComponent("./src/a.ts")}`);
    expect(ReadFileResponse.parse(body)).toEqual({
      ok: true,
      content: "content of src/a.ts",
      path: "src/a.ts",
    });
  });

  it("answers ok:false for a missing file, a directory or a path outside", async () => {
    expect((await ws.get("read-file?path=missing.txt")).body).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^path_not_found:/),
    });
    expect((await ws.get("read-file?path=src")).body).toMatchObject({ ok: false });
    await symlink("/etc/hostname", path.join(ws.dir, "host-link"));
    expect((await ws.get("read-file?path=host-link")).body).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^sandbox_violation:/),
    });
    expect((await ws.get("read-file?path=%2Fetc%2Fpasswd")).body).toMatchObject({ ok: false });
  });

  it("needs a path parameter", async () => {
    const { status, body } = await ws.get("read-file");
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: "invalid_request" } });
  });
});
