#!/usr/bin/env node
// `npm start`: the local stack — the Node sandbox (tools run there) and `wrangler dev` on
// workerd with persistent state, a dev JWT secret and the mock reasoner unless a model is
// configured. Settings come from the environment (SPEC §11): AURA_PORT (8787),
// AURA_SANDBOX_PORT (8788), AURA_DATA_DIR (./aura_data), AURA_LOG_LEVEL (warn; wrangler's
// levels), SANDBOX_TOKEN_SECRET (else one kept in the data dir), ALLOWED_COMMANDS,
// AURA_SANDBOX_ISOLATION and AURA_SANDBOX_NETWORK (on; bubblewrap is checked, and installed
// from Debian when missing and possible); every
// AURA_*, SANDBOX_*, ALLOWED_COMMANDS and RECORD_WINDOW_SIZE variable reaches the Worker.
// Nothing it starts outlives it, whatever kills it (a SIGKILL of npm included); a stack still
// running on the same data dir is refused, one that died is cleaned up (docs/local-stack.md).
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBubblewrap } from "./lib/bubblewrap.mjs";
import { ensureDepsLocked } from "./lib/install-lock.mjs";
import {
  describeProcesses,
  forgetStack,
  isRunning,
  readStackFile,
  recordCheckoutStack,
  recordStack,
  stopLeftovers,
} from "./lib/stack-record.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const HOST = "127.0.0.1";
const TOKEN_ORG = "local";
const TOKEN_TTL_DAYS = 7;
/** The sandbox starts in well under a second; a minute means something is wrong. */
const SANDBOX_START_TIMEOUT_MS = 60_000;

try {
  // Registered before the install lock is released: no install replaces node_modules under
  // this stack from then on.
  ensureDepsLocked(ROOT, {
    whileLocked: () => recordCheckoutStack({ root: ROOT, pid: process.pid }),
  });
} catch (err) {
  fail(`could not install dependencies: ${messageOf(err)}`);
}
// These modules import dependencies, so they load once the install is done.
const { parseSettings } = await import("./lib/settings.mjs");
const { ensureDevSecret, JWT_SECRET_FILE, SANDBOX_SECRET_FILE } = await import(
  "./lib/dev-secret.mjs"
);
const { isPortFree, waitForPortFree } = await import("./lib/port.mjs");
const { waitForHealth } = await import("./lib/health.mjs");
const { startGuardedWrangler } = await import("./lib/guarded-wrangler.mjs");
const { watchLauncher } = await import("./lib/parent-watch.mjs");
const { ensureSandboxBundle } = await import("./lib/sandbox-bundle.mjs");
const { ensureConsole } = await import("./build-console.mjs");
const { sandboxEnv, startSandbox } = await import("./lib/sandbox-process.mjs");
const { mintToken } = await import("./lib/mint-token.mjs");
const { readyBanner } = await import("./lib/banner.mjs");

/** @typedef {import("./lib/child-process.mjs").ChildProcessHandle} Child */
/** @typedef {import("./lib/child-process.mjs").ExitStatus} ExitStatus */

/** What `npm start` started, in order, with the port each one serves. */
const stack = {
  /** Where the stack keeps its state, and its `stack.pid`, once the settings are read. */
  /** @type {string | undefined} */ dataDir: undefined,
  /** @type {Array<{ child: Child, port: number }>} */ children: [],
  /** The first child that exited, if any has. */
  /** @type {{ child: Child, status: ExitStatus } | undefined} */ died: undefined,
  stopping: false,
};
process.on("exit", () => forgetStack({ root: ROOT, dataDir: stack.dataDir, pid: process.pid }));

await main().catch((err) => fail(messageOf(err)));

/** Starts the stack, reports where it is, and runs until a signal or a child's exit. */
async function main() {
  const parsed = parseSettings(process.env, process.cwd());
  if (!parsed.ok) fail(parsed.error);
  const settings = parsed.settings;
  stack.dataDir = settings.dataDir;
  await settleStaleStack(settings.dataDir);
  recordStack({ root: ROOT, dataDir: settings.dataDir, processes: stackProcesses() });
  for (const [name, port] of /** @type {const} */ ([
    ["AURA_PORT", settings.port],
    ["AURA_SANDBOX_PORT", settings.sandboxPort],
  ])) {
    if (!(await isPortFree(port, HOST))) {
      fail(`${name}: port ${port} is already in use on ${HOST}; choose another port`);
    }
  }
  const confinement = ensureBubblewrap({ isolation: settings.sandboxIsolation });
  if (!confinement.ok) fail(confinement.error);
  console.log(
    `Sandbox: ${confinement.note}${settings.sandboxIsolation === "on" ? `, network ${settings.sandboxNetwork}` : ""}`,
  );
  const auth = resolveAuth(settings);
  const sandboxSecret = resolveSandboxSecret(settings);
  if (existsSync(join(ROOT, ".dev.vars"))) {
    fail(
      ".dev.vars exists: wrangler would load it instead of the environment; move its values to the environment and remove it",
    );
  }
  const sandboxUrl = `http://${HOST}:${settings.sandboxPort}`;
  const envFile = writeWorkerEnv(settings.dataDir, {
    ...settings.workerVars,
    ...auth.vars,
    AURA_DEV_SIGNIN: devSignIn(settings, auth),
    SANDBOX_URL: sandboxUrl,
    SANDBOX_TOKEN_SECRET: sandboxSecret,
  });

  const stop = onceStopRequested(async (why) => {
    stack.stopping = true;
    const names = stack.children.map(({ child }) => `${child.name} (${child.pid})`).reverse();
    console.log(`\nnpm start: ${why}, stopping ${names.join(" and ") || "before anything ran"}`);
    await stopAll();
    process.exit(0);
  });
  // Under npm, npm is the launcher (through its `sh -c`): when it dies, so does the stack.
  if (process.env.npm_lifecycle_event !== undefined) {
    const watch = watchLauncher({
      throughShells: true,
      onGone: () => stop.request(`npm (pid ${watch.launcher}) is gone`),
    });
  }

  try {
    await ensureSandboxBundle(ROOT, (line) => console.log(line));
  } catch (err) {
    fail(`could not build the sandbox: ${messageOf(err)}`);
  }
  try {
    await ensureConsole(ROOT, (line) => console.log(line));
  } catch (err) {
    fail(`could not build the web console: ${messageOf(err)}`);
  }
  if (stack.stopping) return;
  const sandboxRoot = join(settings.dataDir, "sandbox");
  console.log(`Starting the sandbox on ${sandboxUrl} ...`);
  const sandbox = startSandbox({
    root: ROOT,
    env: {
      ...sandboxEnv({
        env: process.env,
        root: sandboxRoot,
        port: settings.sandboxPort,
        secret: sandboxSecret,
        allowedCommands: settings.allowedCommands,
      }),
      // The sandbox stops itself when this process is gone, however it died.
      SANDBOX_PARENT_PID: String(process.pid),
    },
  });
  track(sandbox, settings.sandboxPort);
  await waitUntilReady(sandboxUrl, SANDBOX_START_TIMEOUT_MS);
  if (stack.stopping) return;

  const url = `http://${HOST}:${settings.port}`;
  console.log(`Starting wrangler dev on ${url} ...`);
  const wrangler = startGuardedWrangler({
    root: ROOT,
    args: wranglerArgs(settings, envFile, await inspectorPort(settings)),
    env: process.env,
    parentPid: process.pid,
  });
  track(wrangler, settings.port);
  await waitUntilReady(url);
  if (stack.stopping) return;

  sandbox.follow();
  wrangler.follow();
  const token = auth.secret === undefined ? undefined : await devToken(auth.secret);
  console.log(
    readyBanner({
      url,
      sandbox: { url: sandboxUrl, root: sandboxRoot },
      reasoner: settings.reasoner,
      dataDir: settings.dataDir,
      auth: auth.note,
      token,
      client: clientCommand(settings, url, token?.value),
    }),
  );

  const died = await Promise.race(
    stack.children.map(({ child }) => child.exited.then((status) => ({ child, status }))),
  );
  if (stack.stopping) return;
  stop.cancel();
  await stopAll();
  fail(
    `${died.child.name} exited unexpectedly (${describeExit(died.status)})`,
    died.status.code || 1,
  );
}

/**
 * This stack's processes as `stack.pid` records them: `npm start` first, then its children.
 * @returns {import("./lib/stack-record.mjs").StackProcess[]}
 */
function stackProcesses() {
  return [
    { name: "npm start", pid: process.pid },
    ...stack.children.map(({ child }) => ({ name: child.name, pid: child.pid })),
  ];
}

/**
 * Deals with a stack recorded in `dataDir` before this one starts: one whose `npm start`
 * still runs is refused, naming its processes (two stacks must not share a data dir); what
 * one whose `npm start` is gone left running is stopped, and named.
 * @param {string} dataDir
 */
async function settleStaleStack(dataDir) {
  const recorded = readStackFile(dataDir);
  if (recorded === undefined) return;
  const running = recorded.filter(isRunning);
  const [leader] = recorded;
  if (leader !== undefined && running.includes(leader)) {
    fail(
      `AURA_DATA_DIR: a stack already runs on ${dataDir}: ${describeProcesses(running)}; stop it (kill ${leader.pid}) or choose another AURA_DATA_DIR`,
    );
  }
  if (running.length > 0) {
    const left = `${leader?.name ?? "npm start"} (pid ${leader?.pid}, gone)`;
    console.log(`npm start: stopping what ${left} left running: ${describeProcesses(running)}`);
    await stopLeftovers(running);
  }
}

/**
 * Records a started child, so every exit path stops it, and notes the first to die.
 * @param {Child} child
 * @param {number} port
 */
function track(child, port) {
  stack.children.push({ child, port });
  if (stack.dataDir !== undefined) {
    recordStack({ root: ROOT, dataDir: stack.dataDir, processes: stackProcesses() });
  }
  child.exited.then((status) => {
    stack.died ??= { child, status };
  });
}

/**
 * Waits for `<url>/health`; when a child of the stack dies or the server never answers,
 * prints what the children said, stops them and exits. Returns early once a stop was
 * requested.
 * @param {string} url
 * @param {number} [timeoutMs]
 */
async function waitUntilReady(url, timeoutMs) {
  let problem;
  try {
    const healthy = await waitForHealth(url, {
      timeoutMs,
      gaveUp: () => stack.died !== undefined || stack.stopping,
    });
    if (healthy || stack.stopping) return;
    const { child, status } = /** @type {NonNullable<typeof stack.died>} */ (stack.died);
    problem = `${child.name} exited (${describeExit(status)}) before the stack was ready`;
  } catch (err) {
    problem = messageOf(err);
  }
  for (const { child } of stack.children) {
    const held = child.heldOutput();
    if (held.trim() !== "") console.error(`--- ${child.name} said:\n${held}`);
  }
  await stopAll();
  fail(problem);
}

/**
 * The one command that opens the `aura` terminal client on this stack: `npx aura --local`
 * (naming the port and data dir when they are not the defaults), or, with a secret from
 * AURA_JWT_SECRET that the client cannot read, a login with the printed token.
 * @param {import("./lib/settings.mjs").Settings} settings
 * @param {string} url
 * @param {string | undefined} token
 * @returns {string | undefined}
 */
function clientCommand(settings, url, token) {
  if (token === undefined) return undefined;
  if (settings.jwtSecret !== undefined) {
    return `npx aura login --url ${url} --token "$TOKEN" && npx aura`;
  }
  const vars = [];
  if (settings.port !== 8787) vars.push(`AURA_PORT=${settings.port}`);
  if (settings.dataDir !== resolve("aura_data")) vars.push(`AURA_DATA_DIR=${settings.dataDir}`);
  return [...vars, "npx aura --local"].join(" ");
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
    secret = ensureDevSecret(settings.dataDir, JWT_SECRET_FILE);
  } catch (err) {
    fail(`AURA_DATA_DIR: cannot write the dev secret into ${settings.dataDir}: ${messageOf(err)}`);
  }
  return {
    vars: { AURA_JWT_SECRET: secret },
    secret,
    note: `HS256 with the dev secret in ${join(settings.dataDir, JWT_SECRET_FILE)}`,
  };
}

/**
 * `AURA_DEV_SIGNIN` for the Worker: `on` (the web console's one-click sign-in as the dev
 * token's user, answered only to the console's own page on this loopback address; see
 * docs/console.md) unless the environment says `off`, or tokens are not HS256 (nothing to
 * sign with).
 * @param {import("./lib/settings.mjs").Settings} settings
 * @param {{ secret?: string }} auth
 * @returns {"on" | "off"}
 */
function devSignIn(settings, auth) {
  const wanted = settings.workerVars.AURA_DEV_SIGNIN ?? "on";
  if (wanted !== "on" && wanted !== "off") fail("AURA_DEV_SIGNIN: must be on or off");
  return auth.secret === undefined ? "off" : wanted;
}

/**
 * The secret the Worker signs sandbox tokens with: the environment's, else one kept in the
 * data dir (created on first start, owner-only).
 * @param {import("./lib/settings.mjs").Settings} settings
 * @returns {string}
 */
function resolveSandboxSecret(settings) {
  if (settings.sandboxTokenSecret !== undefined) return settings.sandboxTokenSecret;
  try {
    return ensureDevSecret(settings.dataDir, SANDBOX_SECRET_FILE);
  } catch (err) {
    fail(
      `AURA_DATA_DIR: cannot write the sandbox secret into ${settings.dataDir}: ${messageOf(err)}`,
    );
  }
}

/**
 * `wrangler dev`'s arguments. The Worker's variables come from `envFile` only (wrangler loads
 * no other .env file when one is named), so no value ever appears in a process listing.
 * @param {import("./lib/settings.mjs").Settings} settings
 * @param {string} envFile
 * @param {number} inspectorPort
 */
function wranglerArgs(settings, envFile, inspectorPort) {
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
    // wrangler's default devtools port is 9229 for every stack, probed then bound: two stacks
    // starting at once (tests, a second checkout) race for it and one dies. A port the kernel
    // picks for this stack alone does not collide.
    "--inspector-port",
    String(inspectorPort),
  ];
}

/**
 * The port for wrangler's inspector: one the kernel chooses, never the stack's own ports
 * (the Worker's is free until wrangler binds it, so the kernel could hand it out again).
 * @param {import("./lib/settings.mjs").Settings} settings
 * @returns {Promise<number>}
 */
async function inspectorPort(settings) {
  for (;;) {
    const port = await kernelChosenPort();
    if (port !== settings.port && port !== settings.sandboxPort) return port;
  }
}

/**
 * A loopback port nothing listens on right now, chosen by the kernel.
 * @returns {Promise<number>}
 */
function kernelChosenPort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
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
 * Runs `onStop` on the first SIGINT, SIGTERM or SIGHUP, or the first `request(why)`; a second
 * signal exits at once (the exit hook of each child then kills its process group).
 * @param {(why: string) => Promise<void>} onStop
 */
function onceStopRequested(onStop) {
  /** @type {NodeJS.Signals[]} */
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"];
  let requested = false;
  let cancelled = false;
  /** @param {string} why */
  const request = (why) => {
    if (cancelled || requested) return;
    requested = true;
    onStop(why).catch((err) => fail(`could not stop the stack: ${messageOf(err)}`));
  };
  /** @param {NodeJS.Signals} signal */
  const handler = (signal) => {
    if (requested) process.exit(130);
    request(signal);
  };
  for (const signal of signals) process.on(signal, handler);
  return {
    request,
    cancel() {
      cancelled = true;
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
 * Stops what the stack started, the last started first (wrangler before the sandbox it
 * calls), and waits until each one's port is released, so `npm start` returns only once
 * nothing it started still serves.
 */
async function stopAll() {
  for (const { child, port } of stack.children.slice().reverse()) {
    await child.stop();
    if (!(await waitForPortFree(port, HOST)))
      console.error(`npm start: port ${port} is still in use after stopping ${child.name}`);
  }
}
