import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mintToken } from "../../scripts/lib/mint-token.mjs";
import { client } from "./helpers/api.js";
import { cleanEnv, type Exit, ROOT, runCommand } from "./helpers/local-stack.js";
import { acceptsConnections, freePort } from "./helpers/net.js";

/** What keeps `wrangler dev` off the internet (as `npm start` sets it). */
const OFFLINE = {
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  WRANGLER_HIDE_BANNER: "true",
};

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A setting of `.dev.vars.example` (a `NAME=value` line). */
function exampleVar(name: string): string | undefined {
  const text = readFileSync(join(ROOT, ".dev.vars.example"), "utf8");
  return new RegExp(`^${name}=(.*)$`, "m").exec(text)?.[1];
}

/**
 * `wrangler dev` with the variables of `envFile` (relative to the repository) and nothing
 * from `npm start`, once it answers `/health` with any status.
 */
async function plainWranglerDev(envFile: string) {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), "aura-e2e-wrangler-"));
  const run = runCommand(
    join(ROOT, "node_modules", ".bin", "wrangler"),
    [
      "dev",
      "--env-file",
      envFile,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(await freePort()),
      "--persist-to",
      state,
      "--show-interactive-dev-session=false",
    ],
    cleanEnv(OFFLINE),
  );
  const group = run.child.pid ?? 0;
  const killGroup = () => {
    try {
      process.kill(-group, "SIGKILL");
    } catch {
      // already gone
    }
  };
  cleanups.push(() => {
    killGroup();
    rmSync(state, { recursive: true, force: true });
  });
  let exit: Exit | undefined;
  run.exited.then((e) => {
    exit = e;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exit !== undefined || Date.now() > deadline) {
      throw new Error(`wrangler dev never answered /health:\n${run.output()}`);
    }
    const status = await fetch(`${url}/health`).then(
      (res) => res.status,
      () => undefined,
    );
    if (status !== undefined) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    port,
    output: run.output,
    async stop() {
      process.kill(-group, "SIGTERM");
      const timer = setTimeout(killGroup, 10_000);
      await run.exited;
      clearTimeout(timer);
      killGroup();
    },
  };
}

describe("plain wrangler dev", () => {
  it(
    "answers /health 200 and serves tokens signed with the secret of .dev.vars.example",
    {
      timeout: 180_000,
    },
    async () => {
      const secret = exampleVar("AURA_JWT_SECRET");
      expect(secret?.length).toBeGreaterThanOrEqual(32);
      const dev = await plainWranglerDev(".dev.vars.example");

      const health = await client(dev.url).get("/health");
      expect(health, dev.output()).toEqual({
        status: 200,
        body: { status: "ok", version: expect.any(String) },
      });
      const token = await mintToken({
        secret: secret ?? "",
        org: "example",
        sub: "dev",
        ttlSeconds: 600,
      });
      const agents = await client(dev.url, token).get("/agents");
      expect(agents).toEqual({ status: 200, body: [] });

      await dev.stop();
      expect(await acceptsConnections(dev.port)).toBe(false);
    },
  );

  it(
    "answers /health 503 config_error naming AURA_JWT_SECRET when no variable is set",
    {
      timeout: 180_000,
    },
    async () => {
      const empty = join(mkdtempSync(join(tmpdir(), "aura-e2e-vars-")), "empty.env");
      writeFileSync(empty, "");
      cleanups.push(() => rmSync(join(empty, ".."), { recursive: true, force: true }));
      const dev = await plainWranglerDev(empty);

      const health = await client(dev.url).get("/health");
      expect(health, dev.output()).toEqual({
        status: 503,
        body: {
          error: {
            code: "config_error",
            message: expect.stringContaining("AURA_JWT_SECRET"),
            details: { setting: "AURA_JWT_SECRET" },
          },
        },
      });

      await dev.stop();
      expect(await acceptsConnections(dev.port)).toBe(false);
    },
  );
});
