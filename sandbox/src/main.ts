/**
 * The sandbox process: reads its settings from the environment (see `loadSandboxConfig`),
 * starts the server, prints `sandbox listening on <url>` and stops cleanly — every running
 * command and terminal killed — on SIGTERM or SIGINT.
 */
import { isMainThread } from "node:worker_threads";
import { loadSandboxConfig, SandboxConfigError } from "./config.js";
import { describeIsolation } from "./isolation/isolation.js";
import { createSandboxServer } from "./server.js";

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
  const config = configOrExit();
  const server = await createSandboxServer(config);
  const isolation = describeIsolation(server.isolation);
  if (server.isolation.kind === "bwrap") console.log(`sandbox: ${isolation}`);
  else console.warn(`sandbox: ${isolation}`);
  console.log(`sandbox listening on ${server.url}`);

  let stopping = false;
  function stop(signal: NodeJS.Signals): void {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`sandbox: error while stopping on ${signal}`, err);
        process.exit(1);
      },
    );
  }
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
