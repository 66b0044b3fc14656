import { Container } from "@cloudflare/containers";

/** The port the sandbox listens on inside its image (`sandbox/Dockerfile`). */
export const SANDBOX_CONTAINER_PORT = 8788;

/**
 * The production sandbox: one Cloudflare Container (built from `sandbox/Dockerfile`) per
 * agent workspace, behind this thin Durable Object. Every request the Worker's
 * `SandboxClient` sends for a workspace reaches the instance named after that workspace
 * (`src/tools/sandbox-of-config.ts`), which starts the container on first use and forwards
 * HTTP and WebSocket (terminal) requests to port 8788. The container stops after five
 * minutes without a request; its disk, and with it the workspace's files and stored
 * outcomes, does not outlive it (see docs/architecture.md, "Sandbox deployment").
 *
 * The sandbox gets the Worker's `SANDBOX_TOKEN_SECRET` (so it accepts exactly the tokens the
 * Worker signs) and `ALLOWED_COMMANDS`; nothing else of the Worker's environment.
 *
 * @example
 * // wrangler.toml ([env.production]): [[containers]] class_name = "SandboxContainer",
 * // image = "./sandbox/Dockerfile"; durable object binding SANDBOX → SandboxContainer.
 * const stub = env.SANDBOX.get(env.SANDBOX.idFromName(workspace));
 * const reply = await stub.fetch(new Request(`http://sandbox/v1/workspaces/${workspace}/files`));
 */
export class SandboxContainer extends Container<Env> {
  override defaultPort = SANDBOX_CONTAINER_PORT;
  override sleepAfter = "5m";
  /** The container counts as started once the sandbox answers `/health`. */
  override pingEndpoint = "sandbox/health";

  constructor(ctx: ConstructorParameters<typeof Container>[0], env: Env) {
    super(ctx, env);
    this.envVars = sandboxEnvOf(env);
  }
}

/**
 * The sandbox process's environment, taken from the Worker's: its token secret and command
 * allowlist, and where it listens and keeps its data inside the container.
 *
 * @example
 * sandboxEnvOf({ SANDBOX_TOKEN_SECRET: secret, ALLOWED_COMMANDS: "git,ls" });
 * // { SANDBOX_HOST: "0.0.0.0", AURA_SANDBOX_PORT: "8788", SANDBOX_ROOT: "/data/sandbox",
 * //   SANDBOX_TOKEN_SECRET: secret, ALLOWED_COMMANDS: "git,ls" }
 */
export function sandboxEnvOf(env: object): Record<string, string> {
  const vars: Record<string, string> = {
    SANDBOX_HOST: "0.0.0.0",
    AURA_SANDBOX_PORT: String(SANDBOX_CONTAINER_PORT),
    SANDBOX_ROOT: "/data/sandbox",
  };
  for (const name of ["SANDBOX_TOKEN_SECRET", "ALLOWED_COMMANDS"] as const) {
    const value: unknown = Reflect.get(env, name);
    if (typeof value === "string" && value.trim() !== "") vars[name] = value.trim();
  }
  return vars;
}
