// No imports outside node:*: this module runs before node_modules exists.
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { ensureDeps, planInstall } from "./deps.mjs";
import { runningStacks } from "./stack-record.mjs";

/** Held (`O_EXCL`, holding its pid) while one process of a checkout checks or installs. */
export const INSTALL_LOCK = join(".aura", "install.lock");
/** The SHA-256 of package-lock.json that node_modules was installed from. */
export const LOCKFILE_STAMP = join("node_modules", ".aura-lockfile-sha256");
/** The plan {@link planInstall} makes from file times alone, which the stamp can overrule. */
const LOCKFILE_NEWER = "package-lock.json is newer than node_modules";
/** How long to wait for another process's install before giving up. */
const LOCK_WAIT_MS = 10 * 60_000;

/**
 * {@link ensureDeps} for a checkout where stacks may run: one process at a time checks and
 * installs (a lock file; a dead holder's lock is taken over), a package-lock.json that is
 * only newer — not different from what node_modules was installed from — installs nothing,
 * and an install that would replace node_modules under a running stack of this checkout is
 * refused, naming the stack. `whileLocked` runs before the lock is released: `npm start`
 * registers itself there, so no install can start between its check and its registration.
 *
 * @param {string} root the package directory
 * @param {{ ci?: boolean, log?: (line: string) => void, whileLocked?: () => void, waitMs?: number }} [options]
 * @returns {boolean} whether npm ran
 * @example
 * ensureDepsLocked(root, { whileLocked: () => register(process.pid) });
 */
export function ensureDepsLocked(root, { ci, log, whileLocked, waitMs = LOCK_WAIT_MS } = {}) {
  const release = acquireLock(join(root, INSTALL_LOCK), waitMs, log);
  try {
    let ran = false;
    if (needsInstall(root, ci)) {
      const others = runningStacks(root).filter(({ pid }) => pid !== process.pid);
      if (others.length > 0) {
        const named = others.map(({ pid, dataDir }) => `npm start (pid ${pid}) on ${dataDir}`);
        throw new Error(
          `node_modules must be reinstalled (${planInstall(root, { ci })?.reason}), but a stack of this checkout runs on it: ${named.join(", ")}; stop it and run again`,
        );
      }
      ran = ensureDeps(root, { ci, log });
      if (ran) writeStamp(root);
    }
    whileLocked?.();
    return ran;
  } finally {
    release();
  }
}

/**
 * Whether an install is due: {@link planInstall}'s plan, except that a lockfile only
 * touched since the install (its content hash is the stamp's) marks node_modules current.
 * @param {string} root
 * @param {boolean | undefined} ci
 */
function needsInstall(root, ci) {
  const plan = planInstall(root, { ci });
  if (plan === undefined) return false;
  if (plan.reason !== LOCKFILE_NEWER) return true;
  const stamp = readOr(join(root, LOCKFILE_STAMP));
  if (stamp === undefined || stamp.trim() !== lockfileHash(root)) return true;
  const now = new Date();
  utimesSync(join(root, "node_modules", ".package-lock.json"), now, now);
  return false;
}

/** @param {string} root */
function writeStamp(root) {
  if (!existsSync(join(root, "package-lock.json"))) return;
  writeFileSync(join(root, LOCKFILE_STAMP), `${lockfileHash(root)}\n`);
}

/** @param {string} root */
function lockfileHash(root) {
  return createHash("sha256")
    .update(readFileSync(join(root, "package-lock.json")))
    .digest("hex");
}

/**
 * Takes the lock file at `path`, waiting while a live process holds it; returns its release.
 * @param {string} path
 * @param {number} waitMs
 * @param {((line: string) => void) | undefined} log
 * @returns {() => void}
 */
function acquireLock(path, waitMs, log) {
  mkdirSync(join(path, ".."), { recursive: true });
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: "wx" });
      return () => {
        if (readOr(path)?.trim() === String(process.pid)) unlinkSync(path);
      };
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== "EEXIST") throw err;
    }
    const held = readOr(path);
    const holder = Number(held?.trim());
    if (!Number.isInteger(holder) || holder <= 0 || !alive(holder)) {
      // A dead holder's lock, unless another process took it over meanwhile.
      if (readOr(path) === held) rmSync(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`another install (pid ${holder}) still holds ${path}`);
    }
    if (!told) {
      (log ?? ((line) => console.error(line)))(
        `ensure-deps: waiting for another install (pid ${holder}) in this checkout`,
      );
      told = true;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === "EPERM";
  }
}

/** @param {string} path @returns {string | undefined} */
function readOr(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
