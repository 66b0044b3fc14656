import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startChild } from "./child-process.mjs";
import { OFFLINE_ENV } from "./wrangler-process.mjs";

const GUARD = fileURLToPath(new URL("./wrangler-guard.mjs", import.meta.url));

/**
 * Starts `node_modules/.bin/wrangler` under `wrangler-guard.mjs`, which leads the process
 * group of wrangler and its workerd processes and ends that group when `parentPid` exits, so
 * nothing of it outlives `npm start` even when `npm start` is SIGKILLed. The handle's `pid` is
 * the guard's (the group's id); stopping the group stops wrangler and workerd. Offline, like
 * {@link import("./wrangler-process.mjs").startWrangler}.
 *
 * @param {{ root: string, args: string[], env: NodeJS.ProcessEnv, parentPid: number }} options
 * @returns {import("./child-process.mjs").ChildProcessHandle}
 * @example
 * const wrangler = startGuardedWrangler({ root, args: ["dev"], env: process.env, parentPid: process.pid });
 * await wrangler.stop();
 */
export function startGuardedWrangler({ root, args, env, parentPid }) {
  return startChild({
    name: "wrangler",
    command: process.execPath,
    args: [GUARD, String(parentPid), join(root, "node_modules", ".bin", "wrangler"), ...args],
    cwd: root,
    env: { ...env, ...OFFLINE_ENV },
  });
}
