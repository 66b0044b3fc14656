#!/usr/bin/env node
// The web console's figures (issue 12), in Chromium (playwright-core) against `npm start`:
// the agent page's time to interactive with 10,000 entries (target ≤ 1.5 s), the record
// list's frame times while scrolling (target 60 fps), the JS heap before and after 1,000 new
// entries stream in (target: flat), and the bundle gzipped (target ≤ 150 KB).
// `npm run bench` runs it last; `node scripts/bench/console.mjs` runs it alone.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { measureInBrowser } from "./console-browser.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const TTI_TARGET_MS = 1500;
export const FPS_TARGET = 60;
export const BUNDLE_TARGET_KB = 150;
/** Heap growth per streamed entry that still counts as flat (the list keeps each entry). */
export const HEAP_PER_ENTRY_TARGET_BYTES = 4096;

/** The script and stylesheet gzipped (level 9), as test/browser/bundle.test.ts counts them. */
export function bundleKb() {
  const dist = join(ROOT, "console/dist");
  const bytes = ["app.js", "app.css"]
    .map((file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length)
    .reduce((a, b) => a + b, 0);
  return Math.round(bytes / 100) / 10;
}

/**
 * Starts `node scripts/start.mjs` on a free port with its own data dir (the console is served
 * only by the real local stack), waiting for its ready line and token.
 * @param {string} dataDir
 * @param {(line: string) => void} log
 */
async function startLocal(dataDir, log) {
  const { freePort } = await import("./console-browser.mjs");
  const port = await freePort();
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (/^(AURA|SANDBOX)_/.test(name)) delete env[name];
  Object.assign(env, {
    AURA_PORT: String(port),
    AURA_SANDBOX_PORT: String(await freePort()),
    AURA_DATA_DIR: dataDir,
    AURA_POLICY: "dev",
  });
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (/** @type {Buffer} */ chunk) => {
    output += chunk.toString("utf8");
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const stop = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  const deadline = Date.now() + 120_000;
  while (!output.includes("Press Ctrl-C to stop.")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(`npm start did not get ready:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const token = /^\s*TOKEN=(\S+)$/m.exec(output)?.[1];
  if (!token) {
    stop();
    throw new Error("no TOKEN= line from npm start");
  }
  log(`console: npm start on port ${port}`);
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    stop,
    exited: new Promise((r) => child.once("exit", r)),
  };
}

/**
 * Runs the figures, prints their table and adds them to `resultsFile` (as `console`).
 * @param {{ entries?: number, streamed?: number, resultsFile?: string, log?: (line: string) => void }} options
 */
export async function runConsoleBench({
  entries = 10_000,
  streamed = 1000,
  resultsFile,
  log = () => undefined,
} = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "aura-bench-console-"));
  let stack;
  try {
    stack = await startLocal(dataDir, log);
    const m = await measureInBrowser({
      url: stack.url,
      token: stack.token,
      entries,
      streamed,
      log,
    });
    const bundle = bundleKb();
    const perEntry = m.heap.streamed > 0 ? (m.heap.after - m.heap.before) / m.heap.streamed : 0;
    const met = (/** @type {boolean} */ ok) => (ok ? "met" : "missed");
    const lines = [
      "",
      "Web console (Chromium, npm start)",
      `  time to interactive, agent page with ${m.entries} entries: ${m.tti_ms} ms (Record tab listing every entry, the rows in view read, socket live; target ≤ ${TTI_TARGET_MS} ms: ${met(m.tti_ms <= TTI_TARGET_MS)}); every entry read after ${m.listed_ms} ms`,
      `  record list scrolling, ${m.scroll.frames} frames: median ${m.scroll.median_ms} ms, p95 ${m.scroll.p95_ms} ms, max ${m.scroll.max_ms} ms; ${m.scroll.fps} fps on average, ${m.scroll.median_fps} at the median, ${m.scroll.within_17ms}% of frames within 17.5 ms (target ${FPS_TARGET}: ${met(m.scroll.fps >= FPS_TARGET * 0.95)})`,
      `  JS heap while ${m.heap.streamed} entries streamed in: ${(m.heap.before / 1e6).toFixed(1)} MB → ${(m.heap.after / 1e6).toFixed(1)} MB after GC, ${Math.round(perEntry)} B per entry (the list keeps every entry; target ≤ ${HEAP_PER_ENTRY_TARGET_BYTES} B: ${met(perEntry <= HEAP_PER_ENTRY_TARGET_BYTES)})`,
      `  bundle (app.js + app.css, gzip -9): ${bundle} KB (target ≤ ${BUNDLE_TARGET_KB} KB: ${met(bundle <= BUNDLE_TARGET_KB)})`,
      "",
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    const result = {
      ...m,
      heap: { ...m.heap, per_entry_bytes: Math.round(perEntry) },
      bundle_kb_gzipped: bundle,
      targets: {
        tti_ms: TTI_TARGET_MS,
        fps: FPS_TARGET,
        bundle_kb: BUNDLE_TARGET_KB,
        heap_per_entry_bytes: HEAP_PER_ENTRY_TARGET_BYTES,
      },
    };
    if (resultsFile) {
      const stored = JSON.parse(readFileSync(resultsFile, "utf8"));
      writeFileSync(resultsFile, `${JSON.stringify({ ...stored, console: result }, null, 2)}\n`);
    }
    return result;
  } finally {
    if (stack) {
      stack.stop();
      await Promise.race([stack.exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
  const entries = Number(process.env.AURA_BENCH_CONSOLE_ENTRIES ?? 10_000);
  runConsoleBench({ entries, log }).catch((err) => {
    log(`bench console: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
