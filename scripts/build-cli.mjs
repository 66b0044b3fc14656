#!/usr/bin/env node
// Bundles the `aura` terminal client (cli/src/main.ts and the project's own modules it
// imports, e.g. src/protocol/) into cli/dist/aura.mjs, with what only some commands need (the
// full-screen chat and Ink under it) split into chunks loaded on first use. Packages from
// node_modules stay external: they load from node_modules at run time. cli/bin/aura.mjs
// rebuilds on demand.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { recordInputs, staleReason } from "./lib/bundle-freshness.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const outdir = `${root}cli/dist`;
/** The entry bundle and the list of files it and its chunks were built from. */
const CLI_BUNDLE_FILES = Object.freeze({
  output: "cli/dist/aura.mjs",
  inputsList: "cli/dist/inputs.json",
});

/**
 * Builds the bundle, noting which source files went into it; resolves with the output path.
 * @example
 * const outfile = await buildCli(); // ".../cli/dist/aura.mjs"
 */
export async function buildCli() {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { aura: "cli/src/main.ts" },
    outdir,
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    splitting: true,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    jsx: "automatic",
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  });
  recordInputs(root, CLI_BUNDLE_FILES, result.metafile);
  return `${root}${CLI_BUNDLE_FILES.output}`;
}

/**
 * True when the bundle is missing, or a source file that went into it changed since.
 * @example
 * if (cliIsStale()) await buildCli();
 */
export function cliIsStale() {
  return staleReason(root, CLI_BUNDLE_FILES) !== undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(`built ${await buildCli()}`);
  } catch (err) {
    console.error(`build-cli: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
