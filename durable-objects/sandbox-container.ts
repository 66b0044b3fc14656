import { Container } from "@cloudflare/containers";
import { workspaceOfSandboxPath } from "../src/tools/sandbox-of-config.js";
import { SANDBOX_CONTAINER_PORT, sandboxEnvOf } from "./sandbox-env.js";

export { SANDBOX_CONTAINER_PORT, sandboxEnvOf } from "./sandbox-env.js";

/**
 * The production sandbox: one Cloudflare Container (built from `sandbox/Dockerfile`) per
 * agent workspace, behind this thin Durable Object. Every request the Worker's
 * `SandboxClient` sends for a workspace reaches the instance named after that workspace
 * (`src/tools/sandbox-of-config.ts`), which starts the container on first use and forwards
 * HTTP and WebSocket (terminal) requests to port 8788. The container stops after five
 * minutes without a request; its disk, and with it the workspace's files and stored
 * outcomes, does not outlive it (see docs/architecture.md, "Sandbox deployment").
 *
 * The container is handed only its own workspace's key (see {@link sandboxEnvOf}), derived
 * from the workspace named in the first request's path before the container starts; it then
 * refuses every other workspace. The Worker's `SANDBOX_TOKEN_SECRET` never enters it. A
 * request whose path names no workspace is answered 404 without starting anything.
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
  /** The workspace this instance's container was given the key of. */
  #workspace: string | undefined;

  override async fetch(request: Request): Promise<Response> {
    const workspace = workspaceOfSandboxPath(new URL(request.url).pathname);
    if (workspace === undefined) {
      return Response.json(
        { error: { code: "not_found", message: "sandbox requests name a workspace" } },
        { status: 404 },
      );
    }
    if (this.#workspace === undefined) {
      // Read by the container library when it starts the container, which super.fetch does.
      this.envVars = await sandboxEnvOf(this.env, workspace);
      this.#workspace = workspace;
    }
    return super.fetch(request);
  }
}
