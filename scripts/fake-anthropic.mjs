#!/usr/bin/env node
import { parseArgs } from "node:util";
import { startFakeAnthropic } from "./fake-anthropic/server.mjs";

/**
 * Runs the fake Anthropic Messages API (and its fake router) until interrupted.
 *
 * @example
 * node scripts/fake-anthropic.mjs --port 9400 --router-secret "$(openssl rand -hex 32)"
 * AURA_ANTHROPIC_BASE_URL=http://127.0.0.1:9400 AURA_ANTHROPIC_API_KEY=test npm start
 */
const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    "api-key": { type: "string" },
    "router-secret": { type: "string", default: process.env.FAKE_ROUTER_SECRET },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  console.log(`usage: node scripts/fake-anthropic.mjs [--port N] [--host H] [--api-key K] [--router-secret S]

Serves POST /v1/messages (Messages API, JSON and SSE) and POST /router/v1/messages (the same
behind a bearer JWT verified with --router-secret or FAKE_ROUTER_SECRET, plus X-Aura-* headers).
Control: POST /__script (outcome list), POST /__reset, GET /__requests.`);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: not a port number: ${values.port}`);
  process.exit(2);
}

const fake = await startFakeAnthropic({
  port,
  host: values.host,
  apiKey: values["api-key"],
  routerSecret: values["router-secret"],
});
console.log(`fake Anthropic API on ${fake.url} (router: ${fake.routerUrl})`);

for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => {
    fake.close().then(() => process.exit(0));
  });
}
