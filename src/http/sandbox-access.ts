import { AuraError } from "../core/errors.js";
import { type SandboxClient, SandboxUnavailable } from "../tools/sandbox-client.js";
import { sandboxClientOf } from "../tools/sandbox-of-config.js";
import type { AppEnv } from "./context.js";

/**
 * The configured sandbox client, or `503 unavailable` when the deployment has none
 * (neither `SANDBOX_URL` nor the `SANDBOX` binding).
 *
 * @example
 * const client = configuredSandbox(c);
 */
export function configuredSandbox(c: {
  env: Env;
  get(key: "config"): AppEnv["Variables"]["config"];
}): SandboxClient {
  const client = sandboxClientOf(c.get("config"), c.env);
  if (!client) {
    throw new AuraError(
      "unavailable",
      "no sandbox is configured (SANDBOX_URL or the SANDBOX binding)",
    );
  }
  return client;
}

/**
 * Runs a sandbox call, turning a sandbox that cannot be reached (or answered outside the
 * contract) into `503 unavailable`.
 *
 * @example
 * return c.json(await reachSandbox(() => client.files(workspace, ".", 3)));
 */
export async function reachSandbox<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof SandboxUnavailable) throw new AuraError("unavailable", err.message);
    throw err;
  }
}
