import type { Command } from "commander";
import { exitOf } from "../exit-codes.js";

/**
 * Wraps a command's action: it gets its positional arguments and the merged options (its own
 * and the global ones); what it throws becomes a one-line reason on stderr and the exit code
 * of {@link exitOf}; a number it returns is the exit code.
 */
export type Runner = (
  action: (...args: never[]) => Promise<unknown>,
) => (...raw: unknown[]) => Promise<void>;

/**
 * A {@link Runner} that keeps the exit code in `state.code`.
 *
 * @example
 * const state = { code: 0 };
 * program.command("agents").action(createRunner(state)(async (opts) => { … }));
 */
export function createRunner(
  state: { code: number },
  stderr: { write(text: string): unknown } = process.stderr,
): Runner {
  return (action) =>
    async (...raw) => {
      const command = raw[raw.length - 1] as Command;
      const positional = raw.slice(0, -2);
      const call = action as (...args: unknown[]) => Promise<unknown>;
      try {
        const code = await call(...positional, command.optsWithGlobals());
        state.code = typeof code === "number" ? code : 0;
      } catch (err) {
        const { code, message } = exitOf(err);
        stderr.write(`aura: ${message}\n`);
        state.code = code;
      }
    };
}
