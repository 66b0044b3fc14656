import type { Command } from "commander";
import { runRepl } from "../repl/repl.js";
import { connection, type GlobalOptions, resolveAgent } from "./context.js";
import type { Runner } from "./runner.js";

interface ReplFlags extends GlobalOptions {
  agent?: string;
  model?: string;
  system?: string;
}

/** `aura repl`: the line-based REPL. */
export function addReplCommand(program: Command, run: Runner): void {
  program
    .command("repl")
    .description("the line-based chat (no full screen); JSON lines when piped")
    .option("--agent <id>", "attach to this agent (default: a new one)")
    .option("--model <model>", "model of the session")
    .option("--system <file>", "file whose text is the system prompt")
    .action(
      run(async (flags: ReplFlags) => {
        const conn = connection(flags);
        const agent =
          flags.agent === undefined ? undefined : await resolveAgent(conn.api, flags.agent);
        return runRepl({
          connection: conn,
          ...(agent === undefined ? {} : { agent }),
          ...(flags.model === undefined ? {} : { model: flags.model }),
          ...(flags.system === undefined ? {} : { system: flags.system }),
          json: flags.json === true || process.stdout.isTTY !== true,
        });
      }),
    );
}
