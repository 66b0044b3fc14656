import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSandboxBundle } from "../lib/sandbox-bundle.mjs";
import { sandboxEnv, startSandbox } from "../lib/sandbox-process.mjs";
import { bundleWorker } from "./build.mjs";
import { createClient } from "./http-client.mjs";
import { serveWorker } from "./server.mjs";
import { summarise } from "./stats.mjs";
import { agentIdFor } from "./targets.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The file `read_file` reads: 1 MiB of text lines. */
export const READ_FILE_BYTES = 1024 * 1024;
const LISTENING = /^sandbox listening on (http:\/\/\S+)$/m;

/**
 * @typedef {object} ToolOperation
 * @property {"run_command" | "read_file"} id
 * @property {string} label
 * @property {Record<string, unknown>} args
 * @property {(reply: { ok: boolean, stdout_chars: number }) => boolean} valid
 */

/** @type {ToolOperation[]} */
export const TOOL_OPERATIONS = [
  {
    id: "run_command",
    label: "run_command `true`",
    args: { command: "true" },
    valid: (r) => r.ok,
  },
  {
    id: "read_file",
    label: "read_file 1 MiB",
    args: { path: "big.txt" },
    valid: (r) => r.ok && r.stdout_chars === READ_FILE_BYTES,
  },
];

/**
 * @typedef {import("./stats.mjs").Summary & { operation: ToolOperation, path: "sandbox" | "worker",
 *   meanMs: number, firstError: string | undefined }} ToolRow
 */

/**
 * How long does a tool call take from a Worker? Starts the real sandbox (`node
 * sandbox/dist/server.mjs`, rebuilt when stale) and serves `bench/tools-worker.ts` with
 * Miniflare pointed at it; then, one call at a time, dispatches each operation (a) straight
 * to the sandbox with a token the Worker's client signed and (b) through the fixture Worker,
 * whose `SandboxClient` signs, sends and validates exactly as the product does. The two paths
 * alternate in rounds, so both see the same conditions. Every dispatch has a fresh action id
 * (a repeated one would be answered from the sandbox's outcome store) and every answer is
 * checked.
 *
 * @example
 * const rows = await runTools({ dir, track, requests: 300, warmup: 30, rounds: 3, log });
 * @param {{
 *   dir: string,
 *   track: (thing: { dispose?: () => Promise<void>, close?: () => void }) => void,
 *   requests: number,
 *   warmup: number,
 *   rounds: number,
 *   log: (line: string) => void,
 * }} options
 * @returns {Promise<ToolRow[]>}
 */
export async function runTools({ dir, track, requests, warmup, rounds, log }) {
  await ensureSandboxBundle(ROOT, log);
  const secret = randomBytes(32).toString("hex");
  const sandboxRoot = join(dir, "sandbox");
  const workspace = agentIdFor("tools", 0);
  writeBigFile(join(sandboxRoot, "workspaces", workspace, "big.txt"));

  const sandbox = startSandbox({
    root: ROOT,
    env: sandboxEnv({ env: process.env, root: sandboxRoot, port: 0, secret }),
  });
  track({ dispose: () => sandbox.stop() });
  const sandboxUrl = await listeningUrl(sandbox);
  const bundle = await bundleWorker(
    "tools",
    "bench/tools-wrangler.toml",
    join(dir, "bundle-tools"),
  );
  const worker = await serveWorker(
    bundle,
    { SANDBOX_URL: sandboxUrl, SANDBOX_TOKEN_SECRET: secret },
    join(dir, "state-tools"),
  );
  track(worker);
  log(`  sandbox ${sandboxUrl}, fixture Worker ${worker.url.origin}`);
  const viaWorker = createClient(worker.url, 1);
  const direct = createClient(new URL(sandboxUrl), 1);
  track(viaWorker);
  track(direct);

  const run = randomBytes(4).toString("hex");
  let seq = 0;
  /** @param {ToolOperation} op @param {"sandbox" | "worker"} path */
  const call = async (op, path) => {
    const body = JSON.stringify({ action_id: `bench-${run}-${seq++}`, tool: op.id, args: op.args });
    if (path === "worker") {
      const res = await viaWorker.request("POST", `/dispatch/${workspace}`, body);
      return { ...res, reply: res.status === 200 ? JSON.parse(res.body) : undefined };
    }
    const token = await tokenFor(viaWorker, workspace);
    const res = await direct.request("POST", `/v1/workspaces/${workspace}/dispatch`, body, {
      authorization: `Bearer ${token}`,
    });
    const parsed = res.status === 200 ? JSON.parse(res.body) : undefined;
    const reply = parsed && { ok: parsed.result.ok, stdout_chars: parsed.result.stdout.length };
    return { ...res, reply };
  };

  /** @type {ToolRow[]} */
  const rows = [];
  for (const op of TOOL_OPERATIONS) {
    /** @type {Record<"sandbox" | "worker", { latencies: number[], errors: number, firstError?: string, elapsedMs: number }>} */
    const runs = {
      sandbox: { latencies: [], errors: 0, elapsedMs: 0 },
      worker: { latencies: [], errors: 0, elapsedMs: 0 },
    };
    for (const path of /** @type {const} */ (["sandbox", "worker"])) {
      for (let i = 0; i < warmup; i++) await call(op, path);
    }
    const perRound = Math.ceil(requests / rounds);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ["sandbox", "worker"] : ["worker", "sandbox"];
      for (const path of /** @type {Array<"sandbox" | "worker">} */ (order)) {
        const into = runs[path];
        const started = performance.now();
        for (let i = 0; i < perRound; i++) {
          const res = await call(op, path);
          if (res.reply && op.valid(res.reply)) into.latencies.push(res.ms);
          else {
            into.errors++;
            into.firstError ??= `HTTP ${res.status} ${res.body.slice(0, 200)}`;
          }
        }
        into.elapsedMs += performance.now() - started;
      }
    }
    for (const path of /** @type {const} */ (["sandbox", "worker"])) {
      const r = runs[path];
      const meanMs = r.latencies.reduce((a, b) => a + b, 0) / Math.max(1, r.latencies.length);
      rows.push({ ...summarise(r), operation: op, path, meanMs, firstError: r.firstError });
    }
    const [a, b] = rows.slice(-2);
    log(
      `  ${op.label}: p50 ${a?.p50Ms.toFixed(2)} ms direct, ${b?.p50Ms.toFixed(2)} ms via Worker`,
    );
  }
  return rows;
}

/** The last token fetched from the fixture, refetched every 20 s (tokens live 60 s). */
let token = { value: "", at: Number.NEGATIVE_INFINITY };

/**
 * A token for `workspace` exactly as the Worker's `SandboxClient` signs it.
 * @param {ReturnType<typeof createClient>} fixture
 * @param {string} workspace
 */
async function tokenFor(fixture, workspace) {
  if (performance.now() - token.at < 20_000) return token.value;
  const res = await fixture.request("GET", `/token/${workspace}`);
  if (res.status !== 200) throw new Error(`fixture /token: HTTP ${res.status} ${res.body}`);
  token = { value: JSON.parse(res.body).token, at: performance.now() };
  return token.value;
}

/** Writes exactly {@link READ_FILE_BYTES} of ASCII text lines at `path`. @param {string} path */
function writeBigFile(path) {
  mkdirSync(dirname(path), { recursive: true });
  const line = `${"the quick brown fox jumps over the lazy dog ".repeat(2).trimEnd()}\n`;
  const text = line.repeat(Math.ceil(READ_FILE_BYTES / line.length)).slice(0, READ_FILE_BYTES);
  writeFileSync(path, text);
}

/**
 * Resolves with the URL the sandbox prints once it listens; rejects if it exits first or
 * stays silent for 30 s.
 * @param {import("../lib/child-process.mjs").ChildProcessHandle} sandbox
 * @returns {Promise<string>}
 */
export async function listeningUrl(sandbox) {
  let exited = false;
  sandbox.exited.then(() => {
    exited = true;
  });
  const deadline = performance.now() + 30_000;
  for (;;) {
    const url = LISTENING.exec(sandbox.heldOutput())?.[1];
    if (url) return url;
    if (exited || performance.now() > deadline)
      throw new Error(`the sandbox did not start:\n${sandbox.heldOutput()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
