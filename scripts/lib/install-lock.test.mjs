import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { planInstall } from "./deps.mjs";
import { ensureDepsLocked, INSTALL_LOCK, LOCKFILE_STAMP } from "./install-lock.mjs";
import { recordCheckoutStack } from "./stack-record.mjs";

const DEPS = { dependencies: { zod: "4.6.7" } };
const LOCKFILE = JSON.stringify({ lockfileVersion: 3, packages: { "": { name: "p", ...DEPS } } });

const dirs = [];
/** @type {import("node:child_process").ChildProcess[]} */
const spawned = [];
afterEach(() => {
  for (const child of spawned.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A checkout installed a minute ago whose package-lock.json was written after the install;
 * `stamp` is the lockfile content node_modules was installed from.
 * @param {{ stamp?: string }} options
 */
function checkout({ stamp }) {
  const root = mkdtempSync(join(tmpdir(), "aura-install-lock-"));
  dirs.push(root);
  mkdirSync(join(root, "node_modules"));
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "p", ...DEPS }));
  writeFileSync(join(root, "node_modules", ".package-lock.json"), "{}");
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(root, "node_modules", ".package-lock.json"), past, past);
  writeFileSync(join(root, "package-lock.json"), LOCKFILE);
  if (stamp !== undefined) {
    const hash = createHash("sha256").update(stamp).digest("hex");
    writeFileSync(join(root, LOCKFILE_STAMP), `${hash}\n`);
  }
  return root;
}

/** A live process whose command line says it is a stack's `npm start`. */
function fakeStack() {
  const child = spawn(
    process.execPath,
    ["-e", "setInterval(() => {}, 1000)", "scripts/start.mjs"],
    {
      stdio: "ignore",
    },
  );
  spawned.push(child);
  return /** @type {number} */ (child.pid);
}

describe("ensureDepsLocked", () => {
  it("given a package-lock.json only touched since the install, when checked, then nothing is installed and node_modules counts as current", () => {
    const root = checkout({ stamp: LOCKFILE });
    expect(planInstall(root)?.reason).toBe("package-lock.json is newer than node_modules");

    expect(ensureDepsLocked(root, { log: () => {} })).toBe(false);
    expect(planInstall(root)).toBeUndefined();
    expect(existsSync(join(root, INSTALL_LOCK))).toBe(false);
  });

  it("given a changed package-lock.json and a stack of this checkout running, when checked, then the install is refused naming the stack", () => {
    const root = checkout({ stamp: "an older lockfile" });
    const pid = fakeStack();
    recordCheckoutStack({ root, pid, dataDir: "/tmp/aura-data" });

    expect(() => ensureDepsLocked(root, { log: () => {} })).toThrow(
      `a stack of this checkout runs on it: npm start (pid ${pid}) on /tmp/aura-data; stop it and run again`,
    );
    expect(existsSync(join(root, INSTALL_LOCK))).toBe(false);
  });

  it("given a lock held by a live process, when checked, then it waits for it and gives up naming it", () => {
    const root = checkout({ stamp: LOCKFILE });
    const holder = fakeStack();
    mkdirSync(join(root, ".aura"), { recursive: true });
    writeFileSync(join(root, INSTALL_LOCK), `${holder}\n`);
    const said = [];

    expect(() => ensureDepsLocked(root, { log: (l) => said.push(l), waitMs: 300 })).toThrow(
      `another install (pid ${holder}) still holds`,
    );
    expect(said).toEqual([
      `ensure-deps: waiting for another install (pid ${holder}) in this checkout`,
    ]);
  });

  it("given a lock left by a dead process, when checked, then it is taken over and released, and whileLocked runs under it", async () => {
    const root = checkout({ stamp: LOCKFILE });
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => dead.once("exit", resolve));
    mkdirSync(join(root, ".aura"), { recursive: true });
    writeFileSync(join(root, INSTALL_LOCK), `${dead.pid}\n`);
    let lockedMeanwhile = false;

    ensureDepsLocked(root, {
      log: () => {},
      whileLocked: () => {
        lockedMeanwhile = statSync(join(root, INSTALL_LOCK)).isFile();
      },
    });
    expect(lockedMeanwhile).toBe(true);
    expect(existsSync(join(root, INSTALL_LOCK))).toBe(false);
  });
});
