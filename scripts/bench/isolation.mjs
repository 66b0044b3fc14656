import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSandboxBundle } from "../lib/sandbox-bundle.mjs";
import { sandboxEnv, startSandbox } from "../lib/sandbox-process.mjs";
import { bundleWorker } from "./build.mjs";
import { createClient } from "./http-client.mjs";
import { serveWorker } from "./server.mjs";
import { quantile } from "./stats.mjs";
import { agentIdFor } from "./targets.mjs";
import { listeningUrl } from "./tools.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Agents running commands at once in the contention run (issue 9). */
export const CONTENDING_AGENTS = 20;
/** A pattern a backtracking engine takes exponential time over on {@link HOSTILE_TEXT}. */
export const HOSTILE_PATTERN = "(a+)+$";
const HOSTILE_TEXT = `${"a".repeat(29)}!\n`;

/**
 * @typedef {{ p50Ms: number, p99Ms: number, calls: number, errors: number }} Latency
 * @typedef {{
 *   isolated: Latency, unconfined: Latency, ratio: number,
 *   quiet: Latency, underRegex: Latency & { searches: number, searchP50Ms: number },
 * }} IsolationRun
 */

/**
 * What the OS sandbox costs, and whether one tenant's regex stalls the others. Starts two
 * real sandboxes — isolation on (bubblewrap) and off — each behind the bench's fixture Worker
 * (the product's `SandboxClient`), then:
 * 1. `run_command true` through the Worker, one call at a time, alternating the two
 *    sandboxes in rounds so both see the same conditions: p50 of each and their ratio;
 * 2. {@link CONTENDING_AGENTS} workspaces running `true` at once on the isolated sandbox,
 *    first alone, then while another workspace runs `search_code` {@link HOSTILE_PATTERN}
 *    over and over: p50 and p99 of every call.
 *
 * @example
 * const run = await runIsolation({ dir, track, requests: 200, rounds: 3, log });
 * run.ratio; // isolated p50 / unconfined p50
 * @param {{ dir: string, track: (thing: object) => void, requests: number, rounds: number,
 *   log: (line: string) => void }} options
 * @returns {Promise<IsolationRun>}
 */
export async function runIsolation({ dir, track, requests, rounds, log }) {
  await ensureSandboxBundle(ROOT, log);
  const bundle = await bundleWorker("tools", "bench/tools-wrangler.toml", join(dir, "bundle-iso"));
  const isolated = await sandboxBehindWorker({ dir, bundle, track, isolation: "on" });
  const unconfined = await sandboxBehindWorker({ dir, bundle, track, isolation: "off" });
  log(`  isolated ${isolated.url}, unconfined ${unconfined.url}`);

  const single = { isolated: newRun(), unconfined: newRun() };
  const workspace = agentIdFor("isolation", 0);
  for (const side of /** @type {const} */ (["isolated", "unconfined"])) {
    for (let i = 0; i < 20; i++) await (side === "isolated" ? isolated : unconfined).run(workspace);
  }
  const perRound = Math.ceil(requests / rounds);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ["isolated", "unconfined"] : ["unconfined", "isolated"];
    for (const side of /** @type {Array<"isolated" | "unconfined">} */ (order)) {
      const target = side === "isolated" ? isolated : unconfined;
      for (let i = 0; i < perRound; i++) single[side].add(await target.run(workspace));
    }
  }

  const workspaces = Array.from({ length: CONTENDING_AGENTS }, (_, i) =>
    agentIdFor("isolation-many", i),
  );
  const perAgent = Math.max(10, Math.ceil(requests / 10));
  const quiet = await contend(isolated, workspaces, perAgent);
  const hostile = agentIdFor("isolation-regex", 0);
  writeFileSync(join(isolated.root, "workspaces", hostile, "a.txt"), HOSTILE_TEXT);
  const searches = newRun();
  let stop = false;
  const regexLoop = (async () => {
    while (!stop) searches.add(await isolated.search(hostile));
  })();
  const underRegex = await contend(isolated, workspaces, perAgent);
  stop = true;
  await regexLoop;

  const result = {
    isolated: single.isolated.summary(),
    unconfined: single.unconfined.summary(),
    ratio: 0,
    quiet: quiet.summary(),
    underRegex: {
      ...underRegex.summary(),
      searches: searches.summary().calls,
      searchP50Ms: searches.summary().p50Ms,
    },
  };
  result.ratio = result.isolated.p50Ms / result.unconfined.p50Ms;
  return result;
}

/** @param {{ run: (w: string) => Promise<number | undefined> }} target @param {string[]} workspaces @param {number} perAgent */
async function contend(target, workspaces, perAgent) {
  const run = newRun();
  await Promise.all(
    workspaces.map(async (workspace) => {
      for (let i = 0; i < perAgent; i++) run.add(await target.run(workspace));
    }),
  );
  return run;
}

function newRun() {
  /** @type {number[]} */
  const latencies = [];
  let errors = 0;
  return {
    /** @param {number | undefined} ms undefined: a failed call */
    add(ms) {
      if (ms === undefined) errors++;
      else latencies.push(ms);
    },
    /** @returns {Latency} */
    summary() {
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
        calls: sorted.length,
        errors,
      };
    },
  };
}

/**
 * A sandbox with `AURA_SANDBOX_ISOLATION=<isolation>` and a fixture Worker in front of it.
 * `run` dispatches `run_command true` through the Worker and gives its latency (undefined when
 * it failed); `search` does the same with the hostile `search_code`.
 * @param {{ dir: string, bundle: string, track: (thing: object) => void, isolation: "on" | "off" }} o
 */
async function sandboxBehindWorker({ dir, bundle, track, isolation }) {
  const secret = randomBytes(32).toString("hex");
  const root = join(dir, `sandbox-${isolation}`);
  mkdirSync(join(root, "workspaces"), { recursive: true });
  for (const key of ["isolation-regex"]) {
    mkdirSync(join(root, "workspaces", agentIdFor(key, 0)), { recursive: true });
  }
  const env = sandboxEnv({ env: process.env, root, port: 0, secret });
  env.AURA_SANDBOX_ISOLATION = isolation;
  const sandbox = startSandbox({ root: ROOT, env });
  track({ dispose: () => sandbox.stop() });
  const url = await listeningUrl(sandbox);
  const worker = await serveWorker(
    bundle,
    { SANDBOX_URL: url, SANDBOX_TOKEN_SECRET: secret },
    join(dir, `state-iso-${isolation}`),
  );
  track(worker);
  const http = createClient(worker.url, CONTENDING_AGENTS + 2);
  track(http);
  const tag = randomBytes(4).toString("hex");
  let seq = 0;
  /** @param {string} workspace @param {string} tool @param {object} args */
  const dispatch = async (workspace, tool, args) => {
    const body = JSON.stringify({ action_id: `iso-${tag}-${seq++}`, tool, args });
    const res = await http.request("POST", `/dispatch/${workspace}`, body);
    if (res.status !== 200) return { ok: false, ms: res.ms, code: `HTTP ${res.status}` };
    const reply = JSON.parse(res.body);
    return { ok: reply.ok, ms: res.ms, code: reply.error_code };
  };
  return {
    url,
    root,
    /** @param {string} workspace */
    async run(workspace) {
      const r = await dispatch(workspace, "run_command", { command: "true" });
      return r.ok ? r.ms : undefined;
    },
    /** @param {string} workspace */
    async search(workspace) {
      const r = await dispatch(workspace, "search_code", { pattern: HOSTILE_PATTERN });
      return r.ok || r.code === "tool_timeout" ? r.ms : undefined;
    },
  };
}

/**
 * Formats the isolation section of the report.
 * @param {IsolationRun} run
 * @returns {string}
 */
export function formatIsolation(run) {
  const f = (/** @type {number} */ n) => n.toFixed(2);
  const met = (/** @type {boolean} */ ok) => (ok ? "met" : "MISSED");
  const ratioOk = run.ratio <= 2 && run.isolated.p50Ms <= 25;
  const p99Ok = run.underRegex.p99Ms <= 2 * run.underRegex.p50Ms;
  return [
    "",
    "isolation (run_command `true` through the Worker; bubblewrap vs unconfined, side by side)",
    `  one at a time   isolated p50 ${f(run.isolated.p50Ms)} ms  unconfined p50 ${f(run.unconfined.p50Ms)} ms  ratio ${f(run.ratio)}x  (target ≤ 2x and ≤ 25 ms: ${met(ratioOk)})`,
    `  ${CONTENDING_AGENTS} agents alone    p50 ${f(run.quiet.p50Ms)} ms  p99 ${f(run.quiet.p99Ms)} ms  (${run.quiet.calls} calls, ${run.quiet.errors} errors)`,
    `  ${CONTENDING_AGENTS} agents + regex  p50 ${f(run.underRegex.p50Ms)} ms  p99 ${f(run.underRegex.p99Ms)} ms  p99/p50 ${f(run.underRegex.p99Ms / run.underRegex.p50Ms)}  (target ≤ 2: ${met(p99Ok)}; ${run.underRegex.searches} searches of ${HOSTILE_PATTERN}, p50 ${f(run.underRegex.searchP50Ms)} ms)`,
    "",
  ].join("\n");
}
