import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parentOf, watchParent } from "./parent-watch.mjs";

const MODULE = fileURLToPath(new URL("./parent-watch.mjs", import.meta.url));

/**
 * Runs `script` (an ES module importing {@link MODULE} as `w`) under `sh -c`, as npm runs a
 * script; resolves what it printed.
 * @param {string} script
 */
function underShell(script) {
  const code = `const w = await import(${JSON.stringify(MODULE)}); ${script}`;
  // The trailing `; :` keeps the shell from replacing itself with node.
  const child = spawn("sh", ["-c", `"${process.execPath}" --input-type=module -e '${code}'; :`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  return new Promise((resolve) => child.once("exit", () => resolve(out.trim())));
}

describe("parent-watch", () => {
  it("given a process started through sh -c, when its launcher is looked up through shells, then it is the shell's parent", async () => {
    const out = await underShell(
      "const h = w.watchLauncher({ throughShells: true, onGone() {} }); console.log(h.launcher); h.cancel();",
    );
    expect(Number(out)).toBe(process.pid);
  });

  it("given a launcher that is gone, when watched, then onGone is called once, at once", async () => {
    let calls = 0;
    watchParent({ parentPid: 1, onGone: () => calls++, intervalMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(1);
  });

  it("given a live parent, when watched, then onGone is not called", async () => {
    let calls = 0;
    const watch = watchParent({ parentPid: process.ppid, onGone: () => calls++, intervalMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    watch.cancel();
    expect(calls).toBe(0);
    expect(parentOf(process.pid)).toBe(process.ppid);
  });
});
