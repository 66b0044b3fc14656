#!/usr/bin/env node
// Builds the web console (console/) into console/dist, the directory wrangler.toml's [assets]
// serves: one ES module bundle (Preact and every other dependency inside, nothing from a CDN),
// one stylesheet, the page, the favicon and `_headers` (the Content-Security-Policy the
// platform adds to every asset). `--if-stale` builds only when a file the bundle was built
// from is newer than it (what `npm start`, `pretest`, the Workers tier, `npm run bench` and
// `npm run deploy` run: wrangler refuses to start when the assets directory does not exist).
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { recordInputs, staleReason } from "./lib/bundle-freshness.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Where the built console goes (wrangler.toml's `assets.directory`). */
export const CONSOLE_DIST = "console/dist";
/** The bundle whose time says when the console was last built. */
const BUNDLE = `${CONSOLE_DIST}/app.js`;
/**
 * The bundle and the list of files it was built from. The list is kept outside console/dist:
 * every file in that directory is served.
 */
const CONSOLE_BUNDLE_FILES = Object.freeze({
  output: BUNDLE,
  inputsList: "node_modules/.cache/aura/console-inputs.json",
});
/** Copied to the dist directory as they are. */
const STATIC_FILES = ["index.html", "favicon.svg", "_headers"];
/** What the console depends on besides the files esbuild reads. */
const BUILD_INPUTS = [
  ...STATIC_FILES.map((f) => `console/${f}`),
  "scripts/build-console.mjs",
  "package-lock.json",
];

/**
 * Builds console/dist; resolves with the bundle's size in bytes (minified, not compressed).
 *
 * @param {string} [root] the repository root
 * @example
 * const { bytes } = await buildConsole(); // console/dist/{index.html,app.js,app.css,...}
 */
export async function buildConsole(root = ROOT) {
  // esbuild is a dependency: loaded only once a build is needed (this module also runs
  // before the first install, to say whether a build is due).
  const { build } = await import("esbuild");
  const outdir = join(root, CONSOLE_DIST);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: "console/src/main.tsx" },
    outdir,
    bundle: true,
    format: "esm",
    // Code loaded on demand (xterm.js, for the Terminal tab) goes to chunks/, fetched only
    // when used: the first load stays app.js and app.css.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    minify: true,
    sourcemap: "linked",
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
    plugins: [zodEnglishOnly],
  });
  for (const file of STATIC_FILES) copyFileSync(join(root, "console", file), join(outdir, file));
  recordInputs(root, CONSOLE_BUNDLE_FILES, result.metafile, BUILD_INPUTS);
  const bundle = result.metafile.outputs[BUNDLE];
  return { outdir, bytes: bundle?.bytes ?? 0 };
}

/**
 * zod's `locales` namespace carries every language's error messages (~260 KB minified) and
 * is re-exported whole, so it cannot be tree-shaken; the console shows zod's messages in
 * English only, so its bundle gets the English locale alone (what zod itself configures).
 * @type {import("esbuild").Plugin}
 */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(args.resolveDir, "../locales/en.js"), namespace: "zod-english" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-english" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: ROOT,
    }));
  },
};

/**
 * Why console/dist must be rebuilt — it is missing, or a file it was built from is gone or
 * newer — or undefined.
 *
 * @param {string} [root]
 * @returns {string | undefined}
 * @example
 * staleConsoleReason(); // "console/src/app.tsx is newer than console/dist/app.js"
 */
export function staleConsoleReason(root = ROOT) {
  return staleReason(root, CONSOLE_BUNDLE_FILES);
}

/**
 * Builds the console when {@link staleConsoleReason} says so, saying why.
 *
 * @param {string} [root]
 * @param {(line: string) => void} [log]
 * @returns {Promise<boolean>} whether it was built
 * @example
 * await ensureConsole(root, console.log);
 */
export async function ensureConsole(root = ROOT, log = (line) => console.log(line)) {
  const reason = staleConsoleReason(root);
  if (reason === undefined) return false;
  log(`Building the web console (${reason}) ...`);
  await buildConsole(root);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    if (process.argv.includes("--if-stale")) {
      await ensureConsole();
    } else {
      const { outdir, bytes } = await buildConsole();
      console.log(`built ${outdir} (app.js ${(bytes / 1024).toFixed(1)} KiB minified)`);
    }
  } catch (err) {
    console.error(`build-console: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
