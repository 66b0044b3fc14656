#!/usr/bin/env node
// The process `npm start` runs wrangler under: `node wrangler-guard.mjs <parent pid> <wrangler>
// <args…>`. It leads the process group of wrangler and the workerd processes wrangler spawns,
// passes their output and exit status through, and ends the whole group when its parent (npm
// start) is gone, however that died — a SIGKILL runs no exit hook of the parent's.
import { spawn } from "node:child_process";
import { watchParent } from "./parent-watch.mjs";

/** How long wrangler gets to stop workerd once the parent is gone, before the group is killed. */
const ORPHAN_GRACE_MS = 3000;
/** @type {NodeJS.Signals[]} */
const FORWARDED = ["SIGTERM", "SIGINT", "SIGHUP"];

const [parentArg = "", command = "", ...args] = process.argv.slice(2);
const parentPid = Number(parentArg);
if (!Number.isInteger(parentPid) || parentPid <= 1 || command === "") {
  console.error("usage: wrangler-guard.mjs <parent pid> <wrangler> [args…]");
  process.exit(2);
}

const wrangler = spawn(command, args, { stdio: "inherit" });

// A signal sent to the group reaches wrangler too; one sent to this process alone is passed on.
/** @param {NodeJS.Signals} signal */
const forward = (signal) => {
  wrangler.kill(signal);
};
for (const signal of FORWARDED) process.on(signal, forward);

let orphaned = false;
watchParent({
  parentPid,
  onGone() {
    orphaned = true;
    wrangler.kill("SIGTERM");
    setTimeout(killGroup, ORPHAN_GRACE_MS);
  },
});

wrangler.once("error", (err) => {
  console.error(`wrangler-guard: could not run ${command}: ${err.message}`);
  process.exit(127);
});
wrangler.once("exit", (code, signal) => {
  if (orphaned) killGroup();
  for (const s of FORWARDED) process.off(s, forward);
  if (signal !== null) process.kill(process.pid, signal);
  process.exit(code ?? 1);
});

/** SIGKILLs this process's group: wrangler, every workerd, and this process. */
function killGroup() {
  process.kill(0, "SIGKILL");
}
