import { Command, CommanderError } from "commander";
import { addAgentCommands } from "./commands/agent-commands.js";
import { addAuthCommands } from "./commands/auth-commands.js";
import { addChatCommand } from "./commands/chat-command.js";
import { addReplCommand } from "./commands/repl-command.js";
import { createRunner } from "./commands/runner.js";
import { EXIT } from "./exit-codes.js";

/**
 * The `aura` command line, every command registered (for tests: parse without running).
 *
 * @example
 * const { program, state } = buildProgram();
 * await program.parseAsync(["agents", "--json"], { from: "user" });
 * state.code; // 0
 */
export function buildProgram() {
  const state = { code: 0 };
  const run = createRunner(state);
  const program = new Command("aura")
    .description("The Aura Swarm terminal client.")
    .option("--json", "one JSON object per line (the default when stdout is not a terminal)")
    .option("--server <name>", "a named server of the credentials instead of the current one")
    .option("--local", "log in to the local stack (npm start) first")
    .showSuggestionAfterError()
    .exitOverride();
  addChatCommand(program, run);
  addReplCommand(program, run);
  addAuthCommands(program, run);
  addAgentCommands(program, run);
  for (const command of program.commands) command.exitOverride();
  return { program, state };
}

/**
 * Runs the `aura` command line with `argv` (without `node` and the script); resolves with the
 * process exit code (0 ok, non-zero with a one-line reason on stderr; docs/cli.md lists them).
 *
 * @example
 * process.exitCode = await main(["agents", "--json"]);
 */
export async function main(argv: string[]): Promise<number> {
  const { program, state } = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return state.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version")
        return EXIT.ok;
      if (err.code === "commander.help") return EXIT.ok;
      return EXIT.usage;
    }
    process.stderr.write(`aura: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failure;
  }
}
