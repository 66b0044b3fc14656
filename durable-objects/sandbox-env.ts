import { deriveWorkspaceKey, workspaceKeyToHex } from "../src/tools/workspace-key.js";

/** The port the sandbox listens on inside its image (`sandbox/Dockerfile`). */
export const SANDBOX_CONTAINER_PORT = 8788;

/** Settings of the Worker's environment the container's sandbox reads as they are. */
const PASSED_ON = ["ALLOWED_COMMANDS", "AURA_SANDBOX_ISOLATION", "AURA_SANDBOX_NETWORK"] as const;

/**
 * The environment of the sandbox process in the Container serving `workspace`: where it
 * listens and keeps its data, `ALLOWED_COMMANDS`, `AURA_SANDBOX_ISOLATION` and
 * `AURA_SANDBOX_NETWORK` from the Worker's environment, and that
 * workspace's id and derived key (`SANDBOX_WORKSPACE_ID`, `SANDBOX_WORKSPACE_KEY`, 64 hex) —
 * never `SANDBOX_TOKEN_SECRET` itself, so a container that leaks its key leaks one workspace.
 * Without a secret in `env` no key is passed, and the sandbox refuses to start.
 *
 * @example
 * await sandboxEnvOf({ SANDBOX_TOKEN_SECRET: secret, ALLOWED_COMMANDS: "git,ls" }, workspace);
 * // { SANDBOX_HOST: "0.0.0.0", AURA_SANDBOX_PORT: "8788", SANDBOX_ROOT: "/data/sandbox",
 * //   SANDBOX_WORKSPACE_ID: workspace, SANDBOX_WORKSPACE_KEY: "3f9a…", ALLOWED_COMMANDS: "git,ls" }
 */
export async function sandboxEnvOf(
  env: object,
  workspace: string,
): Promise<Record<string, string>> {
  const vars: Record<string, string> = {
    SANDBOX_HOST: "0.0.0.0",
    AURA_SANDBOX_PORT: String(SANDBOX_CONTAINER_PORT),
    SANDBOX_ROOT: "/data/sandbox",
    SANDBOX_WORKSPACE_ID: workspace,
  };
  const secret = stringVar(env, "SANDBOX_TOKEN_SECRET");
  if (secret !== undefined) {
    vars.SANDBOX_WORKSPACE_KEY = workspaceKeyToHex(await deriveWorkspaceKey(secret, workspace));
  }
  for (const name of PASSED_ON) {
    const value = stringVar(env, name);
    if (value !== undefined) vars[name] = value;
  }
  return vars;
}

function stringVar(env: object, name: string): string | undefined {
  const value: unknown = Reflect.get(env, name);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}
