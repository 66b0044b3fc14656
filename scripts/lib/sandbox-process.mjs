import { join } from "node:path";
import { startChild } from "./child-process.mjs";
import { SANDBOX_BUNDLE } from "./sandbox-bundle.mjs";

/** Variables of `npm start`'s environment the sandbox never inherits: it gets its own. */
const NOT_INHERITED = /^(AURA|SANDBOX)_|^ALLOWED_COMMANDS$/;
/** The sandbox's own settings among those, passed through as given. */
const PASSED_THROUGH = new Set(["AURA_SANDBOX_ISOLATION", "AURA_SANDBOX_NETWORK"]);

/**
 * The sandbox process's environment: `npm start`'s without any Aura setting or secret (the
 * JWT secret, model keys) but for `AURA_SANDBOX_ISOLATION` and `AURA_SANDBOX_NETWORK`, plus
 * what the sandbox needs — its data directory, port, token secret and command allowlist.
 *
 * @param {{ env: NodeJS.ProcessEnv, root: string, port: number, secret: string, allowedCommands?: string }} options
 * @returns {NodeJS.ProcessEnv}
 * @example
 * sandboxEnv({ env: process.env, root: "/data/sandbox", port: 8788, secret });
 * // { PATH: …, SANDBOX_ROOT: "/data/sandbox", SANDBOX_HOST: "127.0.0.1", AURA_SANDBOX_PORT: "8788", … }
 */
export function sandboxEnv({ env, root, port, secret, allowedCommands }) {
  /** @type {NodeJS.ProcessEnv} */
  const out = {};
  for (const [name, value] of Object.entries(env)) {
    if (!NOT_INHERITED.test(name) || PASSED_THROUGH.has(name)) out[name] = value;
  }
  out.SANDBOX_ROOT = root;
  out.SANDBOX_HOST = "127.0.0.1";
  out.AURA_SANDBOX_PORT = String(port);
  out.SANDBOX_TOKEN_SECRET = secret;
  if (allowedCommands !== undefined) out.ALLOWED_COMMANDS = allowedCommands;
  return out;
}

/**
 * Starts `node sandbox/dist/server.mjs` in its own process group, its secret in its
 * environment (never on its command line). SIGTERM makes it kill every command and terminal
 * it started before it exits.
 *
 * @param {{ root: string, env: NodeJS.ProcessEnv }} options `env` from {@link sandboxEnv}
 * @returns {import("./child-process.mjs").ChildProcessHandle}
 * @example
 * const sandbox = startSandbox({ root, env: sandboxEnv({ env: process.env, root: dir, port, secret }) });
 */
export function startSandbox({ root, env }) {
  return startChild({
    name: "the sandbox",
    command: process.execPath,
    args: ["--enable-source-maps", join(root, SANDBOX_BUNDLE)],
    cwd: root,
    env,
  });
}
