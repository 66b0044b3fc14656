/**
 * The slash commands both front ends (the REPL and the TUI) offer: parse a line, list the
 * commands, run the data commands into a {@link SlashResult} each front end renders.
 *
 * @example
 * const parsed = parseSlash(line);
 * if (!parsed.ok) show(parsed.message);
 * else render(await runSlash(parsed.name, parsed.args, { api, agentId }));
 */
export { parseSlash, SLASH_COMMANDS, type SlashSpec, slashHelp } from "./registry.js";
export { AGENT_COLUMNS, runSlash } from "./run-slash.js";
export type { SlashAction, SlashCommand, SlashContext, SlashName, SlashResult } from "./types.js";
