#!/usr/bin/env node
// Bundles the sandbox server (sandbox/src/main.ts and every dependency) into one ES module,
// sandbox/dist/server.mjs, for `node sandbox/dist/server.mjs` and the sandbox/Dockerfile image.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { recordInputs } from "./lib/bundle-freshness.mjs";
import { SANDBOX_BUILD_INPUTS, SANDBOX_BUNDLE_FILES } from "./lib/sandbox-bundle.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Builds the bundle, noting which files went into it; resolves with the output path.
 * @example
 * const outfile = await buildSandbox(); // ".../sandbox/dist/server.mjs"
 */
export async function buildSandbox() {
  const outfile = `${root}${SANDBOX_BUNDLE_FILES.output}`;
  const result = await build({
    absWorkingDir: root,
    entryPoints: ["sandbox/src/main.ts"],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // ws loads these native speed-ups inside try/catch and works without them.
    external: ["bufferutil", "utf-8-validate"],
    // CommonJS dependencies (ws) call require() for Node built-ins; an ES module has none.
    banner: {
      js: 'import { createRequire as __sandboxCreateRequire } from "node:module";\nconst require = __sandboxCreateRequire(import.meta.url);',
    },
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  });
  recordInputs(root, SANDBOX_BUNDLE_FILES, result.metafile, SANDBOX_BUILD_INPUTS);
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const outfile = await buildSandbox();
    console.log(`built ${outfile}`);
  } catch (err) {
    console.error(`build-sandbox: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
