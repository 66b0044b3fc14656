/**
 * The environment of every command and terminal shell: a fixed minimum, never the sandbox's
 * own environment, so `SANDBOX_TOKEN_SECRET` and anything else in it stays out of reach of
 * the commands an agent runs. `HOME` is the workspace.
 *
 * @example
 * spawn("sh", ["-c", command], { cwd, env: commandEnv(workspace.root) });
 */
export function commandEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    LANG: "C.UTF-8",
    SHELL: "/bin/sh",
    TERM: "dumb",
    ...extra,
  };
}
