#!/usr/bin/env node
// Makes sure the system commands the test tiers drive are here (`pretest`): tmux runs the
// terminal client in a real pseudo-terminal, Chromium the web console. As root with apt-get (CI, a fresh container) a
// missing one is installed from Debian; otherwise the run stops here, naming the package.
import { ensureCommands } from "./lib/debian.mjs";

const missing = ensureCommands(
  [
    { command: "tmux", pkg: "tmux" },
    { command: "chromium", pkg: "chromium" },
  ],
  {
    log: (line) => console.log(`ensure-test-tools: ${line}`),
  },
);
if (missing.length > 0) {
  console.error(
    `ensure-test-tools: ${missing.join(", ")} is not installed and could not be; install it (Debian: apt-get install ${missing.join(" ")})`,
  );
  process.exit(1);
}
