import type { SandboxContainer } from "../../durable-objects/sandbox-container.js";
import type { Config } from "../config.js";
import { SandboxClient, type SandboxTransport, urlTransport } from "./sandbox-client.js";

/** The Worker bindings the sandbox may come from: the Container namespace (production). */
export interface SandboxBindings {
  SANDBOX?: DurableObjectNamespace<SandboxContainer>;
}

/** Requests that name no workspace (none do today) go to this instance. */
const SHARED_INSTANCE = "aura-sandbox-shared";

/** `/v1/workspaces/<workspace>/…`: the workspace a sandbox request is for. */
const WORKSPACE_PATH = /^\/v1\/workspaces\/([0-9a-f]{64})(?:[/?]|$)/;

/**
 * The workspace a sandbox request path (`/v1/workspaces/<workspace>/…`) is for, if it names
 * one.
 *
 * @example
 * workspaceOfSandboxPath(`/v1/workspaces/${workspace}/files?path=.`); // workspace
 * workspaceOfSandboxPath("/health"); // undefined
 */
export function workspaceOfSandboxPath(path: string): string | undefined {
  return WORKSPACE_PATH.exec(path)?.[1];
}

const urlClients = new Map<string, SandboxClient>();
const containerClients = new WeakMap<object, { secret: string; client: SandboxClient }>();

/**
 * The sandbox client of a configuration, or undefined when no sandbox is configured:
 * - `SANDBOX_URL` set: the sandbox at that URL (the local Node process `npm start` runs);
 * - else the `SANDBOX` Container binding (production): one container per workspace.
 * Both need `SANDBOX_TOKEN_SECRET`. Clients are reused, so their tokens are.
 *
 * @example
 * const client = sandboxClientOf(loadConfig(env), env);
 * await client?.files(workspaceIdOf(org, agentId), ".", 3);
 */
export function sandboxClientOf(
  config: Config,
  bindings?: SandboxBindings,
): SandboxClient | undefined {
  const secret = config.sandboxTokenSecret;
  if (secret === undefined) return undefined;
  if (config.sandboxUrl !== undefined) {
    const key = `${config.sandboxUrl}\n${secret}`;
    let client = urlClients.get(key);
    if (!client) {
      client = new SandboxClient(urlTransport(config.sandboxUrl), secret);
      urlClients.set(key, client);
    }
    return client;
  }
  const namespace = bindings?.SANDBOX;
  if (namespace === undefined) return undefined;
  const cached = containerClients.get(namespace);
  if (cached?.secret === secret) return cached.client;
  const client = new SandboxClient(containerTransport(namespace), secret);
  containerClients.set(namespace, { secret, client });
  return client;
}

/**
 * A transport to the sandbox Containers: each request goes to the container instance named
 * after the workspace in its path, so a workspace's files, commands and stored outcomes stay
 * on one instance and no two workspaces share a machine. The Container forwards HTTP and
 * WebSocket requests alike, starting the instance when it is asleep.
 *
 * @example
 * const client = new SandboxClient(containerTransport(env.SANDBOX), secret);
 */
export function containerTransport(
  namespace: DurableObjectNamespace<SandboxContainer>,
): SandboxTransport {
  return (path, init) => {
    const instance = workspaceOfSandboxPath(path) ?? SHARED_INSTANCE;
    const stub = namespace.get(namespace.idFromName(instance));
    return stub.fetch(new Request(`http://sandbox${path}`, init));
  };
}
