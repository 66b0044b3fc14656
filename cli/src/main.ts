import { Command } from "commander";

/**
 * Runs the `aura` command line with `argv` (without `node` and the script); resolves with the
 * process exit code (0 ok, non-zero with a one-line reason on stderr).
 *
 * @example
 * process.exitCode = await main(["agents", "--json"]);
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command("aura").description("The Aura Swarm terminal client.");
  program.exitOverride();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode;
    return typeof code === "number" ? code : 1;
  }
}
