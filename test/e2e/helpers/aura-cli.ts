import { spawn } from "node:child_process";
import { ROOT } from "./local-stack.js";

/** How a run of the `aura` command ended. */
export interface AuraRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The caller's environment without `AURA_*` settings, plus `extra`. */
function auraEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^AURA_|^NO_COLOR$/.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Runs `node cli/bin/aura.mjs …args` as a real process (stdout a pipe, so JSON lines), with
 * `stdin` written then closed; resolves when it exits.
 *
 * @example
 * const run = await runAura(["agents"], { AURA_HOME: home });
 * JSON.parse(run.stdout.split("\n")[0]);
 */
export function runAura(
  args: string[],
  env: Record<string, string>,
  options: { stdin?: string; timeoutMs?: number } = {},
): Promise<AuraRun> {
  const child = startAura(args, env);
  child.child.stdin?.end(options.stdin ?? "");
  return child.done(options.timeoutMs);
}

/**
 * Starts `aura …args` and returns it running, for commands that keep going (`record --follow`).
 *
 * @example
 * const follow = startAura(["record", id, "--follow"], env);
 * follow.child.kill("SIGINT");
 * const run = await follow.done();
 */
export function startAura(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ["cli/bin/aura.mjs", ...args], {
    cwd: ROOT,
    env: auraEnv(env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return {
    child,
    stdout: () => stdout,
    async done(timeoutMs = 60_000): Promise<AuraRun> {
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return { code, stdout, stderr };
    },
  };
}

/** The JSON objects of a JSON-lines output (every non-empty line must parse). */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
