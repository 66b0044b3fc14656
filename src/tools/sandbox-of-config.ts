import type { Config } from "../config.js";
import { SandboxClient, urlTransport } from "./sandbox-client.js";

const clients = new Map<string, SandboxClient>();

/**
 * The sandbox client of a configuration (one per URL and secret, reused so its tokens are),
 * or undefined when no sandbox is configured.
 */
export function sandboxClientOf(config: Config): SandboxClient | undefined {
  if (config.sandboxUrl === undefined || config.sandboxTokenSecret === undefined) return undefined;
  const key = `${config.sandboxUrl}\n${config.sandboxTokenSecret}`;
  let client = clients.get(key);
  if (!client) {
    client = new SandboxClient(urlTransport(config.sandboxUrl), config.sandboxTokenSecret);
    clients.set(key, client);
  }
  return client;
}
