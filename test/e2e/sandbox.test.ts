import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FilesResponse, ReadFileResponse } from "../../src/protocol/sandbox.js";
import { workspaceIdOf } from "../../src/tools/workspace-id.js";
import { client, expectShape, sendPrompt } from "./helpers/api.js";
import { cleanEnv, runCommand } from "./helpers/local-stack.js";
import { acceptsConnections, freePort } from "./helpers/net.js";
import { commandLineOf } from "./helpers/processes.js";
import { useStacks } from "./helpers/stacks.js";

const TEST_SECRET = "e2e-sandbox-jwt-secret-0123456789abcdefghij";

const Created = z.object({ agent_id: z.string() });

const { tempDataDir, start, stopAndCheck } = useStacks("aura-e2e-sandbox-");

describe("npm start's sandbox", () => {
  it("runs behind the Worker: the files routes answer through it, a request without a token is refused, and a prompt turn still works", async () => {
    // Given the stack, and a file in an agent's workspace in the sandbox's data dir
    const dataDir = tempDataDir();
    const stack = await start(dataDir, { AURA_JWT_SECRET: TEST_SECRET });
    expect(stack.output()).toContain(`sandbox   ${stack.sandboxUrl}`);
    const api = client(stack.url, stack.token);
    const { agent_id } = expectShape(Created, (await api.post("/agents", { name: "files" })).body);
    const workspace = join(dataDir, "sandbox", "workspaces", workspaceIdOf("local", agent_id));
    mkdirSync(join(workspace, "docs"), { recursive: true });
    writeFileSync(join(workspace, "docs", "hello.txt"), "hello from the sandbox\n");

    // When the Worker's files routes are asked for it
    const files = await api.get(`/api/files?agent_id=${agent_id}`);
    const read = await api.get(`/api/read-file?agent_id=${agent_id}&path=docs/hello.txt`);

    // Then the sandbox answered through the Worker
    expect(files.status).toBe(200);
    expect(expectShape(FilesResponse, files.body)).toEqual({
      ok: true,
      entries: [
        {
          name: "docs",
          path: "docs",
          is_dir: true,
          children: [{ name: "hello.txt", path: "docs/hello.txt", is_dir: false }],
        },
      ],
    });
    expect(read.status).toBe(200);
    expect(expectShape(ReadFileResponse, read.body)).toEqual({
      ok: true,
      content: "hello from the sandbox\n",
      path: "docs/hello.txt",
    });

    // And the sandbox itself refuses a request that carries no Worker-signed token
    const direct = await fetch(`${stack.sandboxUrl}/v1/workspaces/${"0".repeat(64)}/files`);
    expect(direct.status).toBe(401);
    expect(await direct.json()).toMatchObject({ error: { code: "unauthorized" } });
    const forged = await fetch(
      `${stack.sandboxUrl}/v1/workspaces/${workspaceIdOf("local", agent_id)}/read-file?path=docs/hello.txt`,
      { headers: { authorization: `Bearer ${stack.token}` } },
    );
    expect(forged.status).toBe(401);

    // And a prompt turn runs as before
    const { status } = await sendPrompt(api, agent_id, "still there?");
    expect(status.status).toBe("processed");

    // And the generated sandbox secret is kept in the data dir, owner-only
    const secretFile = join(dataDir, "sandbox-token-secret");
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, "worker.env"), "utf8")).toContain(
      `SANDBOX_TOKEN_SECRET='${readFileSync(secretFile, "utf8").trim()}'`,
    );
    await stopAndCheck(stack);
  });

  it("exits non-zero, stopping wrangler too, when the sandbox dies under it", async () => {
    const stack = await start(tempDataDir(), { AURA_JWT_SECRET: TEST_SECRET });
    const sandbox = stack
      .processes()
      .find((p) => p.pid === p.pgid && commandLineOf(p.pid).includes("sandbox/dist/server.mjs"));
    expect(sandbox).toBeDefined();
    process.kill(-(sandbox?.pgid ?? 0), "SIGKILL");
    const exit = await stack.exited;
    expect(exit.code).not.toBe(0);
    expect(stack.output()).toContain("npm start: the sandbox exited unexpectedly");
    expect(await acceptsConnections(stack.port)).toBe(false);
  });

  it("fails fast, naming AURA_SANDBOX_PORT, when the sandbox port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const run = runCommand(
        process.execPath,
        ["scripts/start.mjs"],
        cleanEnv({
          AURA_PORT: String(await freePort()),
          AURA_SANDBOX_PORT: String(port),
          AURA_DATA_DIR: tempDataDir(),
        }),
      );
      const exit = await run.exited;
      expect(exit.code, run.output()).toBe(1);
      expect(run.output()).toContain(`AURA_SANDBOX_PORT: port ${port} is already in use`);
      expect(run.output()).not.toContain("Starting");
    } finally {
      blocker.close();
    }
  });

  it("refuses a SANDBOX_URL, naming it, since npm start runs its own sandbox", async () => {
    const run = runCommand(
      process.execPath,
      ["scripts/start.mjs"],
      cleanEnv({
        AURA_PORT: String(await freePort()),
        AURA_DATA_DIR: tempDataDir(),
        SANDBOX_URL: "http://127.0.0.1:9",
      }),
    );
    const exit = await run.exited;
    expect(exit.code, run.output()).toBe(1);
    expect(run.output()).toContain("SANDBOX_URL: npm start runs its own sandbox");
  });
});
