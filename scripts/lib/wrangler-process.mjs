import { join } from "node:path";
import { startChild } from "./child-process.mjs";

/**
 * Settings that keep `wrangler dev` off the internet: no `request.cf` download, no
 * telemetry or error reports, no banner (whose update check queries the npm registry).
 */
export const OFFLINE_ENV = Object.freeze({
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  WRANGLER_HIDE_BANNER: "true",
});

/** @typedef {import("./child-process.mjs").ChildProcessHandle} WranglerProcess */

/**
 * Starts `node_modules/.bin/wrangler` (not npx, so the pid is wrangler's) as the leader of
 * its own process group: stopping the group also stops the workerd processes it spawns.
 * Its output is held until {@link WranglerProcess.follow} is called.
 *
 * @param {{ root: string, args: string[], env: NodeJS.ProcessEnv }} options
 * @returns {WranglerProcess}
 * @example
 * const wrangler = startWrangler({ root, args: ["dev", "--port", "8787"], env: process.env });
 * await wrangler.stop();
 */
export function startWrangler({ root, args, env }) {
  return startChild({
    name: "wrangler",
    command: join(root, "node_modules", ".bin", "wrangler"),
    args,
    cwd: root,
    env: { ...env, ...OFFLINE_ENV },
  });
}
