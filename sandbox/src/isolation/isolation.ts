import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BwrapLayout, bwrapArgs, readHostLayout, WORKSPACE_MOUNT } from "./bwrap-args.js";

/** `AURA_SANDBOX_ISOLATION`: confine every command (`on`) or run them as the server (`off`). */
export type IsolationMode = "on" | "off";

/** How commands and terminals run, decided once at startup. */
export type Isolation =
  | { kind: "bwrap"; bwrap: string; layout: BwrapLayout; network: boolean }
  | { kind: "off" }
  | { kind: "unavailable"; reason: string };

/** How to decide the isolation. */
export interface IsolationOptions {
  mode: IsolationMode;
  /** `AURA_SANDBOX_NETWORK`: whether confined commands keep the host's network. */
  network: boolean;
  /** The bubblewrap executable; default `bwrap` found on `PATH`. Tests point it elsewhere. */
  bwrapPath?: string;
}

/** How long the startup probe may take before isolation counts as unavailable. */
const PROBE_TIMEOUT_MS = 10_000;
/** Characters of bwrap's complaint kept in the reason. */
const MAX_REASON_CHARS = 300;

/** The sentence every refusal ends with: the one way to run commands anyway. */
export const ISOLATION_OFF_HINT =
  "set AURA_SANDBOX_ISOLATION=off to run commands unconfined, as the sandbox's own user";

/**
 * Decides how commands run. `off` is taken as is. `on` needs Linux and a working bubblewrap:
 * the host's layout is read and `bwrap … true` is run once over an empty directory; any
 * failure (no bwrap, user namespaces forbidden, another OS) makes isolation `unavailable`,
 * and then `run_command` and the terminal are refused rather than run unconfined.
 *
 * @example
 * const isolation = await prepareIsolation({ mode: "on", network: true });
 * console.log(describeIsolation(isolation));
 */
export async function prepareIsolation(options: IsolationOptions): Promise<Isolation> {
  if (options.mode === "off") return { kind: "off" };
  if (process.platform !== "linux") {
    return { kind: "unavailable", reason: `bubblewrap needs Linux (this is ${process.platform})` };
  }
  const bwrap = options.bwrapPath ?? findOnPath("bwrap");
  if (bwrap === undefined) {
    return { kind: "unavailable", reason: "bwrap (Debian package bubblewrap) is not installed" };
  }
  const layout = readHostLayout();
  const failure = await probe(bwrap, layout, options.network);
  if (failure !== undefined) return { kind: "unavailable", reason: failure };
  return { kind: "bwrap", bwrap, layout, network: options.network };
}

/**
 * One line for the server's startup output: which isolation is in force.
 *
 * @example
 * describeIsolation({ kind: "off" }); // "WARNING: AURA_SANDBOX_ISOLATION=off: …"
 */
export function describeIsolation(isolation: Isolation): string {
  switch (isolation.kind) {
    case "bwrap":
      return (
        `commands and terminals run isolated with bubblewrap (${isolation.bwrap}): workspace at ` +
        `${WORKSPACE_MOUNT}, read-only system, own PID namespace, network ${isolation.network ? "on" : "off"}`
      );
    case "off":
      return (
        "WARNING: AURA_SANDBOX_ISOLATION=off: commands and terminals run unconfined, as this " +
        "server's user, and can read everything it can"
      );
    case "unavailable":
      return `WARNING: isolation unavailable (${isolation.reason}); run_command and the terminal are refused; ${ISOLATION_OFF_HINT}`;
  }
}

/** `name` on the `PATH` of this process, as an absolute path, if it is there and executable. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(":")) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Runs `bwrap … true` once; the reason it failed, or `undefined` when it worked. */
async function probe(
  bwrap: string,
  layout: BwrapLayout,
  network: boolean,
): Promise<string | undefined> {
  const dir = await mkdtemp(path.join(tmpdir(), "aura-isolation-probe-"));
  try {
    const args = bwrapArgs(layout, {
      workspace: dir,
      cwd: WORKSPACE_MOUNT,
      network,
      argv: ["true"],
    });
    return await new Promise<string | undefined>((resolve) => {
      const child = spawn(bwrap, args, {
        env: {},
        stdio: ["ignore", "ignore", "pipe"],
        timeout: PROBE_TIMEOUT_MS,
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString("utf8")).slice(0, MAX_REASON_CHARS);
      });
      child.once("error", (err) => resolve(`could not run ${bwrap}: ${err.message}`));
      child.once("close", (code, signal) => {
        if (code === 0) resolve(undefined);
        else
          resolve(`${bwrap} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || "no output"}`);
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
