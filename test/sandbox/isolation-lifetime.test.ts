import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SECRET, type TestSandbox, type WorkspaceClient, workspaceClient } from "./helpers.js";
import {
  delay,
  eventually,
  hostPidsOf,
  startSandboxWith,
  uniqueSleep,
} from "./isolation-helpers.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
/** Past the ~2 s every `uniqueSleep` lasts: a survivor would have written its file by then. */
const SURVIVOR_WRITES_BY_MS = 3500;

/** A command leaving behind a `setsid`, a `nohup` and a double-forked sleep, each to write a file. */
function escapes(): { command: string; sleeps: ReturnType<typeof uniqueSleep>[] } {
  const sleeps = [uniqueSleep(), uniqueSleep(), uniqueSleep()];
  const [a, b, c] = sleeps.map((s) => s.command);
  const command =
    `setsid sh -c '${a}; echo survived > setsid.txt' & ` +
    `nohup sh -c '${b}; echo survived > nohup.txt' >/dev/null 2>&1 & ` +
    `(sh -c '${c}; echo survived > fork.txt' &) &`;
  return { command, sleeps };
}

/** Waits until none of `sleeps` is on the host, then until they would have written, and checks nothing was written. */
async function expectNoSurvivor(
  ws: WorkspaceClient,
  sleeps: ReturnType<typeof uniqueSleep>[],
  since: number,
): Promise<void> {
  for (const sleep of sleeps) {
    await eventually(async () => (await hostPidsOf(sleep)).length === 0, `${sleep.command} ended`);
  }
  await delay(SURVIVOR_WRITES_BY_MS - (Date.now() - since));
  for (const name of ["setsid.txt", "nohup.txt", "fork.txt"]) {
    expect(existsSync(path.join(ws.dir, name)), name).toBe(false);
  }
}

describe("what a confined command starts dies with it", () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startSandboxWith({});
  });
  afterAll(() => sandbox.stop());

  it("kills setsid, nohup and double-forked children when the call ends", async () => {
    const ws = await workspaceClient(sandbox);
    const { command, sleeps } = escapes();
    const started = Date.now();
    const reply = await ws.dispatch("run_command", { command: `${command} echo left` });
    expect(reply.result).toMatchObject({ ok: true, stdout: "left\n" });
    for (const sleep of sleeps) expect(await hostPidsOf(sleep)).toEqual([]);
    await expectNoSurvivor(ws, sleeps, started);
  });

  it("kills them when the server closes while the command runs", async () => {
    const own = await startSandboxWith({});
    const ws = await workspaceClient(own);
    const { command, sleeps } = escapes();
    const started = Date.now();
    const call = ws.dispatch("run_command", { command: `${command} sleep 30` }).catch(() => null);
    for (const sleep of sleeps) {
      await eventually(async () => (await hostPidsOf(sleep)).length === 1, "the children run");
    }
    await own.server.close();
    await call;
    await expectNoSurvivor(ws, sleeps, started);
    await rm(own.root, { recursive: true, force: true });
  });
});

describe("the server process dying", () => {
  let child: ChildProcess | undefined;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "aura-sandbox-die-"));
  });
  afterAll(async () => {
    child?.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("takes every confined command with it (SIGKILL, no cleanup: --die-with-parent)", async () => {
    const bundle = path.join(dir, "server.mjs");
    await build({
      absWorkingDir: repo,
      entryPoints: ["sandbox/src/main.ts"],
      outfile: bundle,
      bundle: true,
      platform: "node",
      format: "esm",
      external: ["bufferutil", "utf-8-validate"],
      banner: {
        js: 'import { createRequire as __testRequire } from "node:module";\nconst require = __testRequire(import.meta.url);',
      },
      logLevel: "warning",
    });
    const root = path.join(dir, "data");
    child = spawn(process.execPath, [bundle], {
      env: {
        PATH: process.env.PATH,
        SANDBOX_ROOT: root,
        SANDBOX_TOKEN_SECRET: TEST_SECRET,
        AURA_SANDBOX_PORT: "0",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let seen = "";
      child?.stdout?.on("data", (chunk: Buffer) => {
        seen += chunk.toString("utf8");
        const match = /^sandbox listening on (\S+)$/m.exec(seen);
        if (match?.[1]) resolve(match[1]);
      });
      child?.once("exit", () => reject(new Error(`the server exited: ${seen}`)));
    });
    // Only the URL and the data directory of this server are used by the client.
    const server = { url, port: 0, isolation: { kind: "off" as const }, close: async () => {} };
    const sandbox: TestSandbox = { root, server, stop: async () => {} };
    const ws = await workspaceClient(sandbox);
    const { command, sleeps } = escapes();
    const started = Date.now();
    const call = ws.dispatch("run_command", { command: `${command} sleep 30` }).catch(() => null);
    for (const sleep of sleeps) {
      await eventually(async () => (await hostPidsOf(sleep)).length === 1, "the children run");
    }
    child.kill("SIGKILL");
    await call;
    await expectNoSurvivor(ws, sleeps, started);
  });
});

describe("AURA_SANDBOX_NETWORK", () => {
  let listener: Server;
  let port: number;
  let connections = 0;
  beforeAll(async () => {
    listener = createServer((socket) => {
      connections++;
      socket.end("hello\n");
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const address = listener.address();
    port = typeof address === "object" && address !== null ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  const connect = () =>
    `node -e "require('net').connect(${port},'127.0.0.1').on('data',d=>{process.stdout.write(d);process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(3)})"`;

  it("on (default): a command reaches a server on the host's loopback", async () => {
    const sandbox = await startSandboxWith({ network: true });
    try {
      const reply = await (await workspaceClient(sandbox)).dispatch("run_command", {
        command: connect(),
      });
      expect(reply.result).toMatchObject({ ok: true, stdout: "hello\n" });
    } finally {
      await sandbox.stop();
    }
  });

  it("off: a command has a network of its own and cannot reach the host's loopback", async () => {
    const sandbox = await startSandboxWith({ network: false });
    try {
      const before = connections;
      const reply = await (await workspaceClient(sandbox)).dispatch("run_command", {
        command: connect(),
      });
      expect(reply.result).toMatchObject({ ok: false, exit_code: 3, stdout: "ECONNREFUSED\n" });
      expect(connections).toBe(before);
    } finally {
      await sandbox.stop();
    }
  });
});
