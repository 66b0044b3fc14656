import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { type SearchJob, type SearchOutcome, scanFiles } from "./search-scan.js";

/** Marks the `workerData` of a search thread. */
const JOB_KEY = "auraSearchJob";
/** Search threads running at once; more calls wait their turn (within their deadline). */
const MAX_CONCURRENT_SEARCHES = 4;

/** What a search thread sends back. */
type ThreadReply = { ok: true; outcome: SearchOutcome } | { ok: false; message: string };

// In a search thread: run the one job, hand back the outcome, and end the thread here. In
// the single-file bundle this module is part of the whole server, and `process.exit` in a
// worker thread ends that thread only — so nothing after this module (the server's start) runs
// in it.
if (!isMainThread && parentPort !== null && isJobData(workerData)) {
  let reply: ThreadReply;
  try {
    reply = { ok: true, outcome: scanFiles(workerData[JOB_KEY]) };
  } catch (err) {
    reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  parentPort.postMessage(reply);
  process.exit(0);
}

/**
 * Runs `job` on a thread of its own, so neither a slow search nor a pathological pattern holds
 * up the server's thread (other workspaces, `/health`). Resolves with the outcome, or with
 * `undefined` when `deadlineMs` passed first — the thread is then terminated mid-search. The
 * deadline includes any wait for a free slot (at most {@link MAX_CONCURRENT_SEARCHES}
 * searches run at once) and the thread's start.
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
    return await runThread(script, job, Math.max(0, deadline - Date.now()));
  } finally {
    slots.release();
  }
}

function runThread(
  script: URL,
  job: SearchJob,
  remainingMs: number,
): Promise<SearchOutcome | undefined> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: { [JOB_KEY]: job }, env: {} });
    let settled = false;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      finish();
    };
    const timer = setTimeout(() => settle(() => resolve(undefined)), remainingMs);
    worker.once("message", (reply: ThreadReply) =>
      settle(() =>
        reply.ok ? resolve(reply.outcome) : reject(new Error(`search failed: ${reply.message}`)),
      ),
    );
    worker.once("error", (err) => settle(() => reject(err)));
    worker.once("exit", (code) =>
      settle(() => reject(new Error(`search thread exited (${code}) without a result`))),
    );
  });
}

function isJobData(data: unknown): data is { [JOB_KEY]: SearchJob } {
  return typeof data === "object" && data !== null && JOB_KEY in data;
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
