#!/usr/bin/env node
// Re-checks an export of an agent's record (`GET /agents/:id/export`, NDJSON) with no server:
// the header, then every entry's seq, chain link, context hash, own hash and a replay of the
// kernel's step — the verifier of src/record/verify-export.ts, which `POST /agents/import` and
// `aura verify --file` use too — then that the entries end at the header's head.
// Usage: npm run verify -- FILE   (FILE `-` reads standard input)
// Prints `ok <head_seq>`, or `bad <seq> (line <n>) <reason>: <why>`. Exit codes as `aura`'s
// (cli/src/exit-codes.ts): 0 verifies, 4 does not verify, 2 usage, 3 no such file, 1 other.
import { createReadStream, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const EXIT = { ok: 0, failure: 1, usage: 2, not_found: 3, verify_failed: 4 };

/**
 * The verifier module, bundled in memory from its TypeScript sources with what it imports,
 * so the script needs no build step.
 * @example
 * const { verifyExport, exportReportText } = await loadVerifier();
 */
export async function loadVerifier() {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ["src/record/verify-export.ts"],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
  const code = result.outputFiles[0]?.text ?? "";
  return import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}

/**
 * Verifies the export in `file` (`-`: standard input); resolves with the exit code.
 * @example
 * process.exitCode = await verifyFile("agent.ndjson", console.log, console.error);
 */
export async function verifyFile(file, out, err) {
  if (file !== "-") {
    try {
      if (!statSync(file).isFile()) {
        err(`verify: ${file} is not a file`);
        return EXIT.usage;
      }
    } catch {
      err(`verify: no file ${file}`);
      return EXIT.not_found;
    }
  }
  const { verifyExport, exportReportText } = await loadVerifier();
  const source = file === "-" ? process.stdin : createReadStream(file);
  const report = await verifyExport(source);
  out(exportReportText(report));
  return report.ok ? EXIT.ok : EXIT.verify_failed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args.length !== 1 || (args[0] !== "-" && args[0]?.startsWith("-"))) {
    console.error("usage: npm run verify -- FILE   (an export of GET /agents/:id/export)");
    process.exit(EXIT.usage);
  }
  try {
    process.exitCode = await verifyFile(args[0], console.log, console.error);
  } catch (err) {
    console.error(`verify: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = EXIT.failure;
  }
}
