import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

/** One server the client knows: its URL, a token, and the agent it last worked with. */
export const ServerEntry = z.object({
  url: z.string().min(1),
  token: z.string().min(1),
  agent_id: z.string().optional(),
});
export type ServerEntry = z.infer<typeof ServerEntry>;

/** `credentials.json`: named servers, one of them current. */
export const CredentialsFile = z.object({
  current: z.string().optional(),
  servers: z.record(z.string(), ServerEntry).default({}),
});
export type CredentialsFile = z.infer<typeof CredentialsFile>;

/**
 * The folder the client keeps its files in: `AURA_HOME` when set, else `~/.aura`.
 *
 * @example
 * auraHome({ AURA_HOME: "/tmp/x" }); // "/tmp/x"
 */
export function auraHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.AURA_HOME && env.AURA_HOME !== "" ? env.AURA_HOME : join(homedir(), ".aura");
}

/** Path of the credentials file under {@link auraHome}. */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(auraHome(env), "credentials.json");
}

/**
 * Reads the credentials file; an absent file is empty credentials. A file that is not the
 * documented shape throws, naming the file.
 *
 * @example
 * const creds = readCredentials();
 * const server = creds.current ? creds.servers[creds.current] : undefined;
 */
export function readCredentials(path = credentialsPath()): CredentialsFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { servers: {} };
    throw err;
  }
  const parsed = CredentialsFile.safeParse(safeJson(text));
  if (!parsed.success) throw new Error(`${path} is not a credentials file; remove it and log in`);
  return parsed.data;
}

/**
 * Writes the credentials file atomically (a temp file beside it, then a rename), readable by
 * its owner only (file 0600, folder 0700).
 *
 * @example
 * writeCredentials({ current: "local", servers: { local: { url, token } } });
 */
export function writeCredentials(creds: CredentialsFile, path = credentialsPath()): void {
  const dir = join(path, "..");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(temp, 0o600);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/**
 * Adds (or replaces) server `name` and makes it current.
 *
 * @example
 * saveServer("local", { url: "http://127.0.0.1:8787", token });
 */
export function saveServer(name: string, entry: ServerEntry, path = credentialsPath()): void {
  const creds = readCredentials(path);
  writeCredentials({ current: name, servers: { ...creds.servers, [name]: entry } }, path);
}

/**
 * Forgets server `name` (the current one by default); resolves with the name removed, or
 * undefined when there was none.
 */
export function removeServer(name?: string, path = credentialsPath()): string | undefined {
  const creds = readCredentials(path);
  const target = name ?? creds.current;
  if (target === undefined || creds.servers[target] === undefined) return undefined;
  const { [target]: _removed, ...rest } = creds.servers;
  const current = creds.current === target ? Object.keys(rest)[0] : creds.current;
  writeCredentials({ ...(current === undefined ? {} : { current }), servers: rest }, path);
  return target;
}

/** Remembers the agent a front end last worked with on server `name`. */
export function rememberAgent(name: string, agentId: string, path = credentialsPath()): void {
  const creds = readCredentials(path);
  const entry = creds.servers[name];
  if (!entry) return;
  writeCredentials(
    { ...creds, servers: { ...creds.servers, [name]: { ...entry, agent_id: agentId } } },
    path,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
