import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { type FakeAnthropic, startFakeAnthropic } from "../../../scripts/fake-anthropic/server.mjs";
import { type LocalStack, startLocalStack } from "../../e2e/helpers/local-stack.js";
import { freePort } from "../../e2e/helpers/net.js";
import { launchChromium } from "./chromium.js";

/** What a browser test file drives: Chromium, the local stack, and the fake model behind it. */
export interface ConsoleStack {
  readonly browser: Browser;
  readonly stack: LocalStack;
  readonly fake: FakeAnthropic;
  /** The stack's JWT secret (to mint a token of one's own). */
  readonly secret: string;
}

/**
 * Starts, for the test file it is called in, Chromium, the fake Anthropic API and the local
 * stack (`npm start`) in a data dir of its own, under `policy`, and stops them all after the
 * file's tests. The fields are read once `beforeAll` has run (inside tests and hooks).
 *
 * @example
 * const ctx = useConsoleStack({ name: "usage", policy: "dev" });
 * it("…", async () => { const { page } = await watchedPage(ctx.browser); });
 */
export function useConsoleStack({
  name,
  policy,
}: {
  name: string;
  policy: "dev" | "strict";
}): ConsoleStack {
  const secret = `browser-${name}-secret-0123456789abcdefghijklmnop`;
  const apiKey = `sk-browser-${name}`;
  let browser: Browser | undefined;
  let stack: LocalStack | undefined;
  let fake: FakeAnthropic | undefined;
  let dataDir: string | undefined;

  beforeAll(async () => {
    // Launched first: a missing Chromium fails the tier at once, saying how to install it.
    browser = await launchChromium();
    fake = await startFakeAnthropic({ apiKey });
    dataDir = mkdtempSync(join(tmpdir(), `aura-browser-${name}-`));
    stack = await startLocalStack({
      port: await freePort(),
      dataDir,
      env: {
        AURA_JWT_SECRET: secret,
        AURA_POLICY: policy,
        AURA_ANTHROPIC_API_KEY: apiKey,
        AURA_ANTHROPIC_BASE_URL: fake.url,
        AURA_ANTHROPIC_MODEL: `claude-browser-${name}`,
      },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await fake?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet (read it in a test)`);
    return value;
  };
  return {
    get browser() {
      return ready(browser, "Chromium");
    },
    get stack() {
      return ready(stack, "the local stack");
    },
    get fake() {
      return ready(fake, "the fake Anthropic API");
    },
    secret,
  };
}
