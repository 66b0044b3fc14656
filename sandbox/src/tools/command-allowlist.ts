import { ToolFailure } from "./tool-failure.js";

/**
 * Characters refused in a command when an allowlist is configured: everything that lets
 * `sh -c` run a second command, substitute one, redirect, group or escape — `;`, `&`, `|`,
 * `$`, backtick, `<`, `>`, `(`, `)`, `{`, `}`, `\`, newline, carriage return and NUL.
 */
const SHELL_METACHARACTERS = /[;&|$`<>(){}\\\n\r\0]/;

/**
 * Parses `ALLOWED_COMMANDS` (comma-separated first words) into a set; empty means any command.
 *
 * @example
 * parseAllowedCommands("git, ls,npm"); // Set { "git", "ls", "npm" }
 * parseAllowedCommands(""); // undefined
 */
export function parseAllowedCommands(
  list: string | readonly string[] | undefined,
): ReadonlySet<string> | undefined {
  const words = (typeof list === "string" ? list.split(",") : (list ?? []))
    .map((word) => word.trim())
    .filter((word) => word !== "");
  return words.length === 0 ? undefined : new Set(words);
}

/**
 * Refuses (`command_not_allowed`) a command with a shell metacharacter or whose first word is
 * not exactly one of `allowed`. A quoted, escaped or path-qualified first word (`'rm'`,
 * `/bin/rm`) or an environment assignment (`X=1 rm`) does not equal an allowed name, so it is
 * refused too.
 *
 * @example
 * checkCommandAllowed("git status", new Set(["git"])); // passes
 * checkCommandAllowed("git status; rm -rf .", new Set(["git"])); // throws
 */
export function checkCommandAllowed(command: string, allowed: ReadonlySet<string>): void {
  const bad = SHELL_METACHARACTERS.exec(command);
  if (bad) {
    throw new ToolFailure(
      "command_not_allowed",
      `command: shell metacharacter ${JSON.stringify(bad[0])} is not allowed when ALLOWED_COMMANDS is set`,
    );
  }
  const first = command.trim().split(/\s+/)[0] ?? "";
  if (!allowed.has(first)) {
    throw new ToolFailure(
      "command_not_allowed",
      `command: ${JSON.stringify(first)} is not in ALLOWED_COMMANDS (${[...allowed].join(", ")})`,
    );
  }
}
