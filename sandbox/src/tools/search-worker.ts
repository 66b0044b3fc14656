import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { type SearchJob, type SearchOutcome, scanFiles } from "./search-scan.js";

/** Marks the `workerData` of a search thread. */
const THREAD_KEY = "auraSearchThread";
/** Search threads running at once; more calls wait their turn (within their deadline). */
const MAX_CONCURRENT_SEARCHES = 4;
/** Threads kept alive between searches, so a search does not pay for a thread's start. */
const MAX_IDLE_THREADS = MAX_CONCURRENT_SEARCHES;

/** What a search thread sends back. */
type ThreadReply = { ok: true; outcome: SearchOutcome } | { ok: false; message: string };

// In a search thread: answer each job the server posts, one at a time. In the single-file
// bundle this module is part of the whole server; `main.ts` starts the server only on the main
// thread, so a search thread does nothing else.
if (!isMainThread && parentPort !== null && isSearchThread(workerData)) {
  const port = parentPort;
  port.on("message", (job: SearchJob) => {
    let reply: ThreadReply;
    try {
      reply = { ok: true, outcome: scanFiles(job) };
    } catch (err) {
      reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply);
  });
}

/**
 * Runs `job` on a search thread, so neither a slow search nor a pathological pattern holds
 * up the server's thread (other workspaces, `/health`). Resolves with the outcome, or with
 * `undefined` when `deadlineMs` passed first — the thread is then terminated mid-search. The
 * deadline includes any wait for a free slot (at most {@link MAX_CONCURRENT_SEARCHES}
 * searches run at once) and, when no thread is idle, a new thread's start. A thread that
 * answered goes back to the idle ones for the next search.
 *
 * @example
 * const outcome = await runSearchJob({ pattern: "TODO", files, maxResults: 100, contextLines: 0 }, 10_000);
 * if (outcome === undefined) // the deadline passed
 */
export async function runSearchJob(
  job: SearchJob,
  deadlineMs: number,
): Promise<SearchOutcome | undefined> {
  const script = await workerScript();
  const deadline = Date.now() + deadlineMs;
  const released = await slots.acquire(deadline);
  if (!released) return undefined;
  try {
    return await runOnThread(script, job, Math.max(0, deadline - Date.now()));
  } finally {
    slots.release();
  }
}

/** Threads waiting for their next search (unreferenced: they never keep the process alive). */
const idle: Worker[] = [];

function takeThread(script: URL): Worker {
  const reused = idle.pop();
  if (reused) {
    reused.removeAllListeners("exit");
    reused.ref();
    return reused;
  }
  return new Worker(script, { workerData: { [THREAD_KEY]: true }, env: {} });
}

function giveBack(worker: Worker): void {
  if (idle.length >= MAX_IDLE_THREADS) {
    void worker.terminate();
    return;
  }
  worker.unref();
  worker.once("exit", () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  });
  idle.push(worker);
}

function runOnThread(
  script: URL,
  job: SearchJob,
  remainingMs: number,
): Promise<SearchOutcome | undefined> {
  const worker = takeThread(script);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void, reusable: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      if (reusable) giveBack(worker);
      else void worker.terminate();
      finish();
    };
    const onMessage = (reply: ThreadReply): void =>
      settle(
        () =>
          reply.ok ? resolve(reply.outcome) : reject(new Error(`search failed: ${reply.message}`)),
        true,
      );
    const onError = (err: Error): void => settle(() => reject(err), false);
    const onExit = (code: number): void =>
      settle(() => reject(new Error(`search thread exited (${code}) without a result`)), false);
    const timer = setTimeout(() => settle(() => resolve(undefined), false), remainingMs);
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage(job);
  });
}

function isSearchThread(data: unknown): boolean {
  return typeof data === "object" && data !== null && THREAD_KEY in data;
}

/** A counting semaphore whose waiters give up at their deadline. */
class Slots {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(count: number) {
    this.#free = count;
  }

  /** Resolves true once a slot is held, or false when `deadline` (epoch ms) passes first. */
  acquire(deadline: number): Promise<boolean> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(
        () => {
          const at = this.#waiting.indexOf(wake);
          if (at >= 0) this.#waiting.splice(at, 1);
          resolve(false);
        },
        Math.max(0, deadline - Date.now()),
      );
      this.#waiting.push(wake);
    });
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

const slots = new Slots(MAX_CONCURRENT_SEARCHES);

/** Name of the bundler, kept in a variable so the production bundle does not pull it in. */
const DEV_BUNDLER = "esbuild";
let devScript: Promise<URL> | undefined;

/**
 * The script a search thread runs. In the production bundle (`sandbox/dist/server.mjs`) that
 * is the bundle itself: this module is in it. Run from the TypeScript sources (tests, `npm
 * start` in development) a thread cannot load `.ts`, so this module is bundled once per
 * process with esbuild (a dev dependency) into a temporary file, removed at exit.
 */
function workerScript(): Promise<URL> {
  const self = new URL(import.meta.url);
  if (!self.pathname.endsWith(".ts")) return Promise.resolve(self);
  devScript ??= bundleForDev(self);
  return devScript;
}

async function bundleForDev(entry: URL): Promise<URL> {
  const esbuild: typeof import("esbuild") = await import(DEV_BUNDLER);
  const outfile = path.join(tmpdir(), `aura-search-worker-${process.pid}-${randomUUID()}.mjs`);
  await esbuild.build({
    entryPoints: [fileURLToPath(entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
  process.once("exit", () => rmSync(outfile, { force: true }));
  return pathToFileURL(outfile);
}
