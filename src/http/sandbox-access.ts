import { AuraError } from "../core/errors.js";
import type { SandboxClient } from "../tools/sandbox-client.js";
import { sandboxClientOf } from "../tools/sandbox-of-config.js";
import type { AppEnv } from "./context.js";

/**
 * The configured sandbox client, or `503 unavailable` when the deployment has none
 * (neither `SANDBOX_URL` nor the `SANDBOX` binding). Its calls fail with `SandboxCallError`s,
 * which are `AuraError`s (`src/tools/sandbox-errors.ts`), so a route lets them through to
 * `onError`: `503 unavailable` for a sandbox that cannot be reached.
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
