#!/usr/bin/env node
// Bundles the `aura` terminal client (cli/src/main.ts and the project's own modules it
// imports, e.g. src/protocol/) into cli/dist/aura.mjs, with what only some commands need (the
// full-screen chat and Ink under it) split into chunks loaded on first use. Packages from
// node_modules stay external: they load from node_modules at run time. cli/bin/aura.mjs
// rebuilds on demand.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const outdir = `${root}cli/dist`;
const outfile = `${outdir}/aura.mjs`;
const inputsFile = `${root}cli/dist/inputs.json`;

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
  writeFileSync(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs)));
  return outfile;
}

/**
 * True when the bundle is missing, or a source file that went into it changed since.
 * @example
 * if (cliIsStale()) await buildCli();
 */
export function cliIsStale() {
  let built;
  let inputs;
  try {
    built = statSync(outfile).mtimeMs;
    inputs = JSON.parse(readFileSync(inputsFile, "utf8"));
  } catch {
    return true;
  }
  return inputs.some((input) => {
    try {
      return statSync(`${root}${input}`).mtimeMs > built;
    } catch {
      return true;
    }
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(`built ${await buildCli()}`);
  } catch (err) {
    console.error(`build-cli: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
