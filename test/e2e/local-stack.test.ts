import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { RecordEntry } from "../../src/core/record.js";
import { AgentHead, AgentSummary, VerifyReport } from "../../src/protocol/agents.js";
import { client, expectShape, sendPrompt } from "./helpers/api.js";
import { cleanEnv, runCommand } from "./helpers/local-stack.js";
import { acceptsConnections, freePort } from "./helpers/net.js";
import { commandLineOf } from "./helpers/processes.js";
import { useStacks } from "./helpers/stacks.js";

const TEST_SECRET = "e2e-test-secret-0123456789abcdefghijklmnop";
const TEST_SANDBOX_SECRET = "e2e-sandbox-secret-0123456789abcdefghijklm";

const Created = z.object({ agent_id: z.string() });

const { tempDataDir, start, stopAndCheck } = useStacks("aura-e2e-");

/** Sends a prompt and waits until its turn is processed; returns the tx id. */
async function prompt(api: ReturnType<typeof client>, agentId: string, text: string) {
  const { tx_id, status } = await sendPrompt(api, agentId, text);
  expect(status.status).toBe("processed");
  return tx_id;
}

describe("npm start", () => {
  it("serves the API with the mock reasoner and stops everything on SIGTERM", async () => {
    const stack = await start(tempDataDir(), { AURA_JWT_SECRET: TEST_SECRET });
    expect(stack.output()).toContain("reasoner  mock");
    expect(stack.output()).not.toContain(TEST_SECRET);
    const api = client(stack.url, stack.token);

    const health = await client(stack.url).get("/health");
    expect(health).toEqual({ status: 200, body: { status: "ok", version: expect.any(String) } });
    expect((await client(stack.url).get("/agents")).status).toBe(401);

    const created = await api.post("/agents", { name: "e2e" });
    expect(created.status).toBe(201);
    const { agent_id } = expectShape(Created, created.body);

    const txId = await prompt(api, agent_id, "hello from e2e");

    const record = expectShape(
      z.array(RecordEntry),
      (await api.get(`/agents/${agent_id}/record`)).body,
    );
    expect(record.map((e) => e.tx.tx_type)).toEqual(["user_prompt", "reasoning", "agent_msg"]);
    expect(record[0]?.tx.hash).toBe(txId);
    const reply = Buffer.from(record[2]?.tx.payload ?? "", "base64").toString("utf8");
    expect(reply).toBe("Mock reply: hello from e2e");

    const verify = expectShape(VerifyReport, (await api.get(`/agents/${agent_id}/verify`)).body);
    expect(verify).toMatchObject({ ok: true, head_seq: 3, checked: 3 });

    const agents = expectShape(z.array(AgentSummary), (await api.get("/agents")).body);
    expect(agents).toEqual([
      {
        agent_id,
        name: "e2e",
        head_seq: 3,
        status: "active",
        created_at: expect.any(Number),
        last_activity_ms: expect.any(Number),
        tokens: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
      },
    ]);

    await stopAndCheck(stack);
  });

  it("hands the Worker and the sandbox their secrets in an owner-only file and the environment, never on a command line", async () => {
    const dataDir = tempDataDir();
    const stack = await start(dataDir, {
      AURA_JWT_SECRET: TEST_SECRET,
      SANDBOX_TOKEN_SECRET: TEST_SANDBOX_SECRET,
    });
    const envFile = join(dataDir, "worker.env");
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const workerEnv = readFileSync(envFile, "utf8");
    expect(workerEnv).toContain(`AURA_JWT_SECRET='${TEST_SECRET}'`);
    expect(workerEnv).toContain(`SANDBOX_TOKEN_SECRET='${TEST_SANDBOX_SECRET}'`);
    expect(workerEnv).toContain(`SANDBOX_URL='${stack.sandboxUrl}'`);
    // A secret given in the environment is used as it is: none is generated.
    expect(readdirSync(dataDir)).not.toContain("sandbox-token-secret");
    const commandLines = readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map((pid) => commandLineOf(Number(pid)));
    expect(commandLines.some((line) => line.includes("wrangler"))).toBe(true);
    expect(commandLines.some((line) => line.includes("sandbox/dist/server.mjs"))).toBe(true);
    for (const secret of [TEST_SECRET, TEST_SANDBOX_SECRET]) {
      expect(commandLines.filter((line) => line.includes(secret))).toEqual([]);
    }
    await stopAndCheck(stack);
  });

  it("keeps agents and the dev secret across a restart on the same data dir", async () => {
    const dataDir = tempDataDir();
    const first = await start(dataDir);
    expect(first.output()).toContain(join(dataDir, "dev-jwt-secret"));
    // With the dev secret (no AURA_JWT_SECRET), the ready message opens the client with
    // `npx aura --local`, naming the port and data dir that are not the defaults
    expect(first.output()).toContain(
      `AURA_PORT=${first.port} AURA_DATA_DIR=${dataDir} npx aura --local`,
    );
    const api = client(first.url, first.token);
    const { agent_id } = expectShape(Created, (await api.post("/agents", {})).body);
    await prompt(api, agent_id, "remember me");
    const before = expectShape(AgentHead, (await api.get(`/agents/${agent_id}/head`)).body);
    await stopAndCheck(first);

    const second = await start(dataDir);
    // A token from the first run still verifies: the dev secret persisted.
    const again = client(second.url, first.token);
    const after = expectShape(AgentHead, (await again.get(`/agents/${agent_id}/head`)).body);
    expect(after).toEqual(before);
    expect(after.head_seq).toBe(3);
    await stopAndCheck(second);
  });

  it("exits non-zero when wrangler dies under it", async () => {
    const stack = await start(tempDataDir(), { AURA_JWT_SECRET: TEST_SECRET });
    const wranglerGroup = stack
      .processes()
      .find((p) => p.pid === p.pgid && commandLineOf(p.pid).includes("wrangler"))?.pgid;
    expect(wranglerGroup).toBeDefined();
    process.kill(-(wranglerGroup ?? 0), "SIGKILL");
    const exit = await stack.exited;
    expect(exit.code).not.toBe(0);
    expect(stack.output()).toContain("npm start: wrangler exited unexpectedly");
    expect(await acceptsConnections(stack.port)).toBe(false);
    expect(await acceptsConnections(stack.sandboxPort)).toBe(false);
  });

  it("fails fast, naming AURA_PORT, when the port is not a number", async () => {
    const startedAt = Date.now();
    const run = runCommand(
      "npm",
      ["start"],
      cleanEnv({ AURA_PORT: "eighty", AURA_DATA_DIR: tempDataDir() }),
    );
    const exit = await run.exited;
    expect(exit.code, run.output()).not.toBe(0);
    expect(run.output()).toContain("AURA_PORT: must be a port number");
    expect(run.output()).not.toContain("Starting wrangler");
    expect(Date.now() - startedAt).toBeLessThan(15_000);
  });

  it("fails fast, naming AURA_PORT, when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const run = runCommand(
        process.execPath,
        ["scripts/start.mjs"],
        cleanEnv({ AURA_PORT: String(port), AURA_DATA_DIR: tempDataDir() }),
      );
      const exit = await run.exited;
      expect(exit.code).toBe(1);
      expect(run.output()).toContain(`AURA_PORT: port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("fails at start-up, naming the variable, when the reasoner is misconfigured", async () => {
    const port = await freePort();
    const run = runCommand(
      process.execPath,
      ["scripts/start.mjs"],
      cleanEnv({
        AURA_PORT: String(port),
        AURA_DATA_DIR: tempDataDir(),
        AURA_JWT_SECRET: TEST_SECRET,
        AURA_LLM_ROUTING: "proxy",
      }),
    );
    const exit = await run.exited;
    expect(exit.code, run.output()).toBe(1);
    expect(run.output()).toContain("the Worker's configuration is invalid");
    expect(run.output()).toContain("AURA_ROUTER_URL");
    expect(await acceptsConnections(port)).toBe(false);
  });
});
