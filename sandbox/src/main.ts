/**
 * The sandbox process: reads its settings from the environment (see `loadSandboxConfig`),
 * starts the server, prints `sandbox listening on <url>` and stops cleanly — every running
 * command and terminal killed — on SIGTERM or SIGINT, and, when `SANDBOX_PARENT_PID` names
 * the process that started it (`npm start` does), as soon as that process is gone, however
 * it died.
 */
import { isMainThread } from "node:worker_threads";
import { loadSandboxConfig, SandboxConfigError } from "./config.js";
import { describeIsolation } from "./isolation/isolation.js";
import { createSandboxServer } from "./server.js";

/** How often the parent named by `SANDBOX_PARENT_PID` is checked. */
const PARENT_CHECK_MS = 250;
/** How long a stop may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 5000;

/**
 * `SANDBOX_PARENT_PID`: the process whose exit stops the sandbox; unset, the sandbox runs
 * until a signal stops it.
 */
function parentPidOrExit(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.SANDBOX_PARENT_PID?.trim();
  if (raw === undefined || raw === "") return undefined;
  const pid = Number(raw);
  if (Number.isInteger(pid) && pid > 1) return pid;
  console.error(`sandbox: SANDBOX_PARENT_PID: must be a process id (got ${JSON.stringify(raw)})`);
  process.exit(1);
}

/** Calls `onGone` once this process's parent is no longer `parentPid` (it exited). */
function watchParent(parentPid: number, onGone: () => void): void {
  const check = (): void => {
    if (process.ppid === parentPid) return;
    clearInterval(timer);
    onGone();
  };
  const timer = setInterval(check, PARENT_CHECK_MS);
  timer.unref();
  check();
}

function configOrExit(): ReturnType<typeof loadSandboxConfig> {
  try {
    return loadSandboxConfig(process.env);
  } catch (err) {
    if (!(err instanceof SandboxConfigError)) throw err;
    console.error(`sandbox: ${err.message}`);
    process.exit(1);
  }
}

// The bundle is also the script of search threads (tools/search-worker.ts): only the main
// thread is the server.
if (isMainThread) await serve();

async function serve(): Promise<void> {
  const parentPid = parentPidOrExit(process.env);
  const config = configOrExit();
  const server = await createSandboxServer(config);
  const isolation = describeIsolation(server.isolation);
  if (server.isolation.kind === "bwrap") console.log(`sandbox: ${isolation}`);
  else console.warn(`sandbox: ${isolation}`);
  console.log(`sandbox listening on ${server.url}`);

  let stopping = false;
  function stop(why: string): void {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      console.error(`sandbox: still stopping ${STOP_TIMEOUT_MS} ms after ${why}; exiting`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`sandbox: error while stopping on ${why}`, err);
        process.exit(1);
      },
    );
  }
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  if (parentPid !== undefined) {
    watchParent(parentPid, () => stop(`its parent (pid ${parentPid}) exited`));
  }
}
