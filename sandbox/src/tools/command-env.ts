/** The only variables a command or terminal shell ever sees. */
export type CommandEnvName = "PATH" | "HOME" | "LANG" | "SHELL" | "TERM";

/** Values that replace the defaults of {@link commandEnv} (the terminal's `TERM`, the sandbox's `PATH`). */
export type CommandEnvOverrides = Partial<Record<CommandEnvName, string>>;

/**
 * The environment of every command and terminal shell: `PATH`, `HOME`, `LANG`, `SHELL` and
 * `TERM`, nothing else — never the sandbox's own environment, so `SANDBOX_TOKEN_SECRET` and
 * anything else in it stays out of reach of the commands an agent runs. `HOME` is the
 * workspace as the command sees it.
 *
 * @example
 * spawn("sh", ["-c", command], { cwd, env: commandEnv(workspace.root) });
 * commandEnv("/workspace", { TERM: "xterm-256color" });
 */
export function commandEnv(home: string, overrides: CommandEnvOverrides = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    LANG: "C.UTF-8",
    SHELL: "/bin/sh",
    TERM: "dumb",
    ...overrides,
  };
}
