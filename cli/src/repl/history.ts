import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { auraHome } from "../config/credentials.js";

const MAX = 500;

function historyPath(env: NodeJS.ProcessEnv): string {
  return join(auraHome(env), "repl_history");
}

/**
 * The REPL's input history, newest first (as node:readline keeps it); empty when none yet.
 *
 * @example
 * createInterface({ input, output, history: loadHistory() });
 */
export function loadHistory(env: NodeJS.ProcessEnv = process.env): string[] {
  try {
    return readFileSync(historyPath(env), "utf8").split("\n").filter(Boolean).slice(0, MAX);
  } catch {
    return [];
  }
}

/** Saves the input history (newest first, at most 500 lines; owner-only). */
export function saveHistory(lines: string[], env: NodeJS.ProcessEnv = process.env): void {
  try {
    mkdirSync(auraHome(env), { recursive: true, mode: 0o700 });
    writeFileSync(historyPath(env), `${lines.slice(0, MAX).join("\n")}\n`, { mode: 0o600 });
  } catch {
    // History is a convenience: a read-only home does not stop the REPL.
  }
}
