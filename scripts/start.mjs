#!/usr/bin/env node
// `npm start`: the local stack — `wrangler dev` on workerd with persistent state, a dev
// JWT secret and the mock reasoner unless a model is configured. Settings come from the
// environment (SPEC §11): AURA_PORT (8787), AURA_SANDBOX_PORT (8788, reserved for the
// sandbox), AURA_DATA_DIR (./aura_data), AURA_LOG_LEVEL (warn; wrangler's levels); every
// AURA_*, SANDBOX_*, ALLOWED_COMMANDS and RECORD_WINDOW_SIZE variable reaches the Worker.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDeps } from "./lib/deps.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const HOST = "127.0.0.1";
const TOKEN_ORG = "local";
const TOKEN_TTL_DAYS = 7;

try {
  ensureDeps(ROOT);
} catch (err) {
  fail(`could not install dependencies: ${messageOf(err)}`);
}
// These modules import dependencies, so they load once the install is done.
const { parseSettings } = await import("./lib/settings.mjs");
const { ensureDevSecret } = await import("./lib/dev-secret.mjs");
const { isPortFree, waitForPortFree } = await import("./lib/port.mjs");
const { waitForHealth } = await import("./lib/health.mjs");
const { startWrangler } = await import("./lib/wrangler-process.mjs");
const { mintToken } = await import("./lib/mint-token.mjs");
const { readyBanner } = await import("./lib/banner.mjs");

await main().catch((err) => fail(messageOf(err)));

/** Starts the stack, reports where it is, and runs until a signal or wrangler's exit. */
async function main() {
  const parsed = parseSettings(process.env, process.cwd());
  if (!parsed.ok) fail(parsed.error);
  const settings = parsed.settings;
  if (!(await isPortFree(settings.port, HOST))) {
    fail(`AURA_PORT: port ${settings.port} is already in use on ${HOST}; choose another port`);
  }
  const auth = resolveAuth(settings);
  if (existsSync(join(ROOT, ".dev.vars"))) {
    fail(
      ".dev.vars exists: wrangler would load it instead of the environment; move its values to the environment and remove it",
    );
  }
  const envFile = writeWorkerEnv(settings.dataDir, { ...settings.workerVars, ...auth.vars });

  const url = `http://${HOST}:${settings.port}`;
  console.log(`Starting wrangler dev on ${url} ...`);
  const wrangler = startWrangler({
    root: ROOT,
    args: wranglerArgs(settings, envFile),
    env: process.env,
  });
  let stopping = false;
  const stop = onceStopRequested(async (signal) => {
    stopping = true;
    console.log(`\nnpm start: ${signal}, stopping wrangler (process group ${wrangler.pid})`);
    await stopWrangler(wrangler, settings.port);
    process.exit(0);
  });
  await waitUntilReady(wrangler, url, () => stopping);
  if (stopping) return;

  wrangler.follow();
  const token = auth.secret === undefined ? undefined : await devToken(auth.secret);
  const reasoner = settings.reasoner;
  console.log(readyBanner({ url, reasoner, dataDir: settings.dataDir, auth: auth.note, token }));

  const status = await wrangler.exited;
  if (stopping) return;
  stop.cancel();
  await stopWrangler(wrangler, settings.port);
  fail(`wrangler exited unexpectedly (${describeExit(status)})`, status.code || 1);
}

/**
 * Waits for `/health`; when wrangler dies or never answers, prints what it said and exits.
 * Returns early once a stop was requested.
 * @param {import("./lib/wrangler-process.mjs").WranglerProcess} wrangler
 * @param {string} url
 * @param {() => boolean} stopping
 */
async function waitUntilReady(wrangler, url, stopping) {
  let exited = false;
  wrangler.exited.then(() => {
    exited = true;
  });
  let problem;
  try {
    const healthy = await waitForHealth(url, { gaveUp: () => exited || stopping() });
    if (healthy || stopping()) return;
    problem = `wrangler exited (${describeExit(await wrangler.exited)}) before the stack was ready`;
  } catch (err) {
    problem = messageOf(err);
  }
  console.error(wrangler.heldOutput());
  await stopWrangler(wrangler, Number(new URL(url).port));
  fail(problem);
}

/**
 * How the Worker verifies tokens: the environment's secret or JWKS URL, else a dev
 * secret kept in the data dir (created on first start).
 * @param {import("./lib/settings.mjs").Settings} settings
 * @returns {{ vars: Record<string, string>, secret?: string, note: string }}
 */
function resolveAuth(settings) {
  if (settings.jwtSecret !== undefined) {
    return { vars: {}, secret: settings.jwtSecret, note: "HS256 with AURA_JWT_SECRET" };
  }
  if (settings.jwksUrl !== undefined) return { vars: {}, note: "keys from AURA_JWKS_URL" };
  let secret;
  try {
    secret = ensureDevSecret(settings.dataDir);
  } catch (err) {
    fail(`AURA_DATA_DIR: cannot write the dev secret into ${settings.dataDir}: ${messageOf(err)}`);
  }
  return {
    vars: { AURA_JWT_SECRET: secret },
    secret,
    note: `HS256 with the dev secret in ${join(settings.dataDir, "dev-jwt-secret")}`,
  };
}

/**
 * `wrangler dev`'s arguments. The Worker's variables come from `envFile` only (wrangler loads
 * no other .env file when one is named), so no value ever appears in a process listing.
 * @param {import("./lib/settings.mjs").Settings} settings
 * @param {string} envFile
 */
function wranglerArgs(settings, envFile) {
  return [
    "dev",
    "--ip",
    HOST,
    "--port",
    String(settings.port),
    "--persist-to",
    join(settings.dataDir, "state"),
    "--log-level",
    settings.logLevel,
    "--show-interactive-dev-session=false",
    "--env-file",
    envFile,
  ];
}

/**
 * Writes the Worker's variables to `<dataDir>/worker.env`, readable by the owner only.
 * Values are single-quoted (taken literally); a value with a newline or a single quote
 * cannot be written that way and is refused naming its variable.
 * @param {string} dataDir
 * @param {Record<string, string>} vars
 * @returns {string} the file's path
 */
function writeWorkerEnv(dataDir, vars) {
  const lines = Object.entries(vars).map(([name, value]) => {
    if (/[\n\r']/.test(value))
      fail(`${name}: a value with a newline or a single quote is not supported`);
    return `${name}='${value}'`;
  });
  mkdirSync(dataDir, { recursive: true });
  const path = resolve(dataDir, "worker.env");
  writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/** @param {string} secret */
async function devToken(secret) {
  const ttlSeconds = TOKEN_TTL_DAYS * 24 * 3600;
  const value = await mintToken({ secret, org: TOKEN_ORG, sub: "dev", ttlSeconds });
  return { value, org: TOKEN_ORG, ttlDays: TOKEN_TTL_DAYS };
}

/**
 * Runs `onStop` on the first SIGINT, SIGTERM or SIGHUP; a second signal exits at once
 * (wrangler's own exit hook then kills its process group).
 * @param {(signal: NodeJS.Signals) => Promise<void>} onStop
 */
function onceStopRequested(onStop) {
  /** @type {NodeJS.Signals[]} */
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"];
  let requested = false;
  /** @param {NodeJS.Signals} signal */
  const handler = (signal) => {
    if (requested) process.exit(130);
    requested = true;
    onStop(signal).catch((err) => fail(`could not stop wrangler: ${messageOf(err)}`));
  };
  for (const signal of signals) process.on(signal, handler);
  return {
    cancel() {
      for (const signal of signals) process.off(signal, handler);
    },
  };
}

/** @param {{ code: number | null, signal: string | null }} status */
function describeExit(status) {
  return status.signal ? `signal ${status.signal}` : `exit code ${status.code}`;
}

/** @param {unknown} err */
function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Prints `npm start: <message>` and exits.
 * @param {string} message
 * @param {number} [code]
 * @returns {never}
 */
function fail(message, code = 1) {
  console.error(`npm start: ${message}`);
  process.exit(code);
}

/**
 * Stops wrangler's process group and waits until its port is released, so `npm start`
 * returns only once nothing it started still serves.
 * @param {import("./lib/wrangler-process.mjs").WranglerProcess} wrangler
 * @param {number} port
 */
async function stopWrangler(wrangler, port) {
  await wrangler.stop();
  if (!(await waitForPortFree(port, HOST)))
    console.error(`npm start: port ${port} is still in use after stopping wrangler`);
}
