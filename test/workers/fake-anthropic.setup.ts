import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";

/** What the fake servers expose to the tests, through `inject`. */
declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the fake Messages API (`POST /v1/messages`, control routes `/__*`). */
    fakeAnthropicUrl: string;
    /** Base URL of the fake router (`<fakeAnthropicUrl>/router`). */
    fakeRouterUrl: string;
    /** HS256 secret the fake router verifies bearer JWTs with. */
    fakeRouterSecret: string;
  }
}

interface FakeAnthropic {
  url: string;
  routerUrl: string;
  close(): Promise<void>;
}

const SERVER = new URL("../../scripts/fake-anthropic/server.mjs", import.meta.url);

/**
 * Starts the fake Anthropic API and its fake router (one Node server, two route prefixes)
 * on 127.0.0.1, at the port the vitest config bound (a free one when unset), for the Workers tier, and stops it after the run. Tests reach
 * it over real HTTP from inside workerd; nothing goes to the internet.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { startFakeAnthropic } = (await import(SERVER.href)) as {
    startFakeAnthropic(options: { routerSecret: string; port: number }): Promise<FakeAnthropic>;
  };
  const routerSecret = randomBytes(32).toString("hex");
  // The port the vitest config bound (the Worker's installed-tool allowlist names it).
  const port = Number(process.env.AURA_TEST_FAKE_ANTHROPIC_PORT ?? "0");
  const fake = await startFakeAnthropic({ routerSecret, port });
  project.provide("fakeAnthropicUrl", fake.url);
  project.provide("fakeRouterUrl", fake.routerUrl);
  project.provide("fakeRouterSecret", routerSecret);
  return () => fake.close();
}
