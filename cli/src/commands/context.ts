import { HttpClient } from "../api/http-client.js";
import { credentialsPath, readCredentials, type ServerEntry } from "../config/credentials.js";
import { CliError, EXIT } from "../exit-codes.js";
import { createOutput, type Output } from "../output/output.js";

/** Options every command takes (commander's global options). */
export interface GlobalOptions {
  json?: boolean;
  /** A named server of the credentials file instead of the current one. */
  server?: string;
}

/** The server a command talks to, and its API client. */
export interface Connection {
  name: string;
  entry: ServerEntry;
  api: HttpClient;
}

/**
 * The server to use: `--server NAME`, else the credentials' current one; `AURA_URL` and
 * `AURA_TOKEN` together override both (for scripts and CI). Not logged in → exit 5.
 *
 * @example
 * const { api } = connection(opts);
 */
export function connection(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Connection {
  if (env.AURA_URL && env.AURA_TOKEN) {
    const entry = { url: env.AURA_URL.replace(/\/+$/, ""), token: env.AURA_TOKEN };
    return { name: "env", entry, api: new HttpClient(entry.url, entry.token) };
  }
  const creds = readCredentials(credentialsPath(env));
  const name = opts.server ?? creds.current;
  const entry = name === undefined ? undefined : creds.servers[name];
  if (name === undefined || entry === undefined) {
    const which = opts.server ? `no server named ${opts.server}` : "not logged in";
    throw new CliError(
      EXIT.unreachable_or_auth,
      `${which}: run \`aura login\` (or \`aura login --local\`)`,
    );
  }
  return { name, entry, api: new HttpClient(entry.url, entry.token) };
}

/** The output of a command with these options. */
export function outputFor(opts: GlobalOptions): Output {
  return createOutput({ json: opts.json === true });
}

/**
 * An agent's full id from what a person typed: a 64-hex id as is, else the one agent whose id
 * starts with it or whose name it is.
 *
 * @example
 * await resolveAgent(api, "3f2a"); // "3f2a…" (64 hex)
 */
export async function resolveAgent(api: HttpClient, wanted: string): Promise<string> {
  if (/^[0-9a-f]{64}$/.test(wanted)) return wanted;
  const agents = await api.listAgents();
  const matches = agents.filter((a) => a.name === wanted || a.agent_id.startsWith(wanted));
  const only = matches[0];
  if (matches.length === 1 && only) return only.agent_id;
  if (matches.length === 0) throw new CliError(EXIT.not_found, `no agent ${wanted}`);
  throw new CliError(EXIT.usage, `${wanted} names ${matches.length} agents; give more of the id`);
}

/**
 * A whole number ≥ `min` from an argument, or a usage error naming it.
 *
 * @example
 * wholeNumber("5", "SEQ"); // 5
 */
export function wholeNumber(text: string, what: string, min = 1): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new CliError(
      EXIT.usage,
      `${what} must be a whole number ≥ ${min}, not ${JSON.stringify(text)}`,
    );
  }
  return n;
}
