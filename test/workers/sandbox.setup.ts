import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createSandboxServer } from "../../sandbox/src/server.js";
import { serveBareRepo } from "../support/git-remote.js";
import { TEST_SANDBOX_SECRET } from "./test-secret.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the real Node sandbox the Worker dispatches tools to. */
    sandboxUrl: string;
    /** A local bare repository served over HTTP (its `main` has `README.md`): a dev loop's remote. */
    gitRemoteUrl: string;
  }
}

/**
 * Starts the real Node sandbox on the port the vitest config bound as `SANDBOX_URL`, over a
 * fresh temporary data directory, and a local git remote to clone from; removes them after
 * the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = Number(process.env.AURA_TEST_SANDBOX_PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error("AURA_TEST_SANDBOX_PORT is not set");
  const root = await mkdtemp(path.join(tmpdir(), "aura-workers-sandbox-"));
  const sandbox = await createSandboxServer({ root, tokenSecret: TEST_SANDBOX_SECRET, port });
  project.provide("sandboxUrl", sandbox.url);
  const remote = await serveBareRepo({ "README.md": "# upstream project\n" });
  project.provide("gitRemoteUrl", remote.url);
  return async () => {
    await remote.close();
    await sandbox.close();
    await rm(root, { recursive: true, force: true });
  };
}
