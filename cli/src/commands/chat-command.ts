import type { Command } from "commander";
import type { ChatOptions } from "../tui/run-chat.js";
import { loginLocal } from "./auth-commands.js";
import { connection, type GlobalOptions, resolveAgent } from "./context.js";
import type { Runner } from "./runner.js";

const THEMES = ["cyber", "matrix", "synthwave", "minimal"] as const;

interface ChatFlags extends GlobalOptions {
  agent?: string;
  new?: boolean;
  model?: string;
  system?: string;
  dir?: string;
  theme?: string;
  local?: boolean;
}

/**
 * The full-screen chat's options from the flags and the credentials (`--local` logs in to
 * the local stack first). `--agent` takes what `aura repl --agent` takes: an id, a unique
 * prefix of one, or an agent's name.
 *
 * @example
 * const options = await chatOptions({ agent: "3f2a…", theme: "matrix" });
 */
export async function chatOptions(flags: ChatFlags): Promise<ChatOptions> {
  if (flags.local) await loginLocal();
  const { entry, api } = connection(flags);
  const theme = THEMES.find((t) => t === flags.theme);
  const agent =
    flags.agent !== undefined
      ? await resolveAgent(api, flags.agent)
      : flags.new
        ? undefined
        : entry.agent_id;
  return {
    url: entry.url,
    token: entry.token,
    ...(agent === undefined ? {} : { agent }),
    ...(flags.new ? { new: true } : {}),
    ...(flags.model === undefined ? {} : { model: flags.model }),
    ...(flags.system === undefined ? {} : { system: flags.system }),
    ...(flags.dir === undefined ? {} : { dir: flags.dir }),
    ...(theme === undefined ? {} : { theme }),
  };
}

/** Adds the chat's flags to `command` (bare `aura` and `aura chat` take the same). */
export function chatFlags(command: Command): Command {
  return command
    .option("--agent <id>", "attach to this agent (an id, a unique prefix, or its name)")
    .option("--new", "start a new agent even when one is remembered")
    .option("--model <model>", "model of the session")
    .option("--system <file>", "file whose text is the system prompt")
    .option("--dir <path>", "workspace folder, relative to the agent's workspace base")
    .option("--theme <theme>", `colours: ${THEMES.join(", ")}`);
}

/** `aura chat` (and bare `aura`): the full-screen TUI. */
export function addChatCommand(program: Command, run: Runner): void {
  const action = run(async (flags: ChatFlags) => {
    if (flags.theme !== undefined && !THEMES.some((t) => t === flags.theme)) {
      const { CliError, EXIT } = await import("../exit-codes.js");
      throw new CliError(EXIT.usage, `--theme must be one of ${THEMES.join(", ")}`);
    }
    const options = await chatOptions(flags);
    const { renderLiveOnTerminal } = await import("../tui/live-terminal.js");
    renderLiveOnTerminal(process);
    const { runChat } = await import("../tui/run-chat.js");
    return runChat(options);
  });
  chatFlags(program.command("chat").description("the full-screen chat (the default)")).action(
    action,
  );
  // Bare `aura` is the chat; a word it does not know is a mistyped command, not a message.
  chatFlags(program)
    .allowExcessArguments(true)
    .action(async (...raw: unknown[]) => {
      const unknown = program.args[0];
      if (unknown !== undefined) {
        program.error(`error: unknown command '${unknown}' (aura --help lists them)`, {
          exitCode: 2,
          code: "commander.unknownCommand",
        });
      }
      await action(...raw);
    });
}
