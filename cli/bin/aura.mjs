#!/usr/bin/env node
// The `aura` command (package.json `bin`): runs the bundled client, building it first when
// it is missing or older than its sources (a fresh clone, or after an edit).
import { buildCli, cliIsStale } from "../../scripts/build-cli.mjs";

if (cliIsStale()) {
  try {
    await buildCli();
  } catch (err) {
    console.error(`aura: could not build the client: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
// React (under Ink) picks its build when first loaded: the production one renders the chat
// several times faster than the development one, which is for React's own tests.
process.env.NODE_ENV ??= "production";
const { main } = await import("../dist/aura.mjs");
const code = await main(process.argv.slice(2));
// A finished command ends the process at once: a request still in flight (a history page the
// chat was loading when the person quit) must not hold the exit back.
process.exit(code);
