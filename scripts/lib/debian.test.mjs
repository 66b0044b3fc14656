import { describe, expect, it } from "vitest";
import { ensureCommands } from "./debian.mjs";

/** A machine where `installed` commands are on PATH and apt-get installs packages into it. */
function machine(installed, { apt = true } = {}) {
  const calls = [];
  const run = (command, args) => {
    calls.push([command, ...args].join(" "));
    if (command === "apt-get") {
      if (!apt) return { status: null, error: new Error("ENOENT") };
      if (args[0] === "install") for (const pkg of args.slice(4)) installed.add(pkg);
      return { status: 0 };
    }
    return { status: null, error: new Error(`unexpected ${command}`) };
  };
  return { run, calls, has: (command) => installed.has(command) };
}

describe("ensureCommands", () => {
  it("does nothing when every command is installed", () => {
    const m = machine(new Set(["tmux"]));
    expect(
      ensureCommands([{ command: "tmux", pkg: "tmux" }], {
        run: m.run,
        log: () => {},
        isRoot: true,
      }),
    ).toEqual([]);
    expect(m.calls.some((c) => c.startsWith("apt-get"))).toBe(false);
  });

  it("installs a missing command's package as root with apt-get", () => {
    const m = machine(new Set());
    const missing = ensureCommands([{ command: "tmux", pkg: "tmux" }], {
      run: m.run,
      has: m.has,
      log: () => {},
      isRoot: true,
    });
    expect(missing).toEqual([]);
    expect(m.calls).toContain("apt-get install -y -q --no-install-recommends tmux");
  });

  it("names what is missing when it may not install (not root, or no apt-get)", () => {
    const notRoot = machine(new Set());
    expect(
      ensureCommands([{ command: "tmux", pkg: "tmux" }], {
        run: notRoot.run,
        has: notRoot.has,
        log: () => {},
        isRoot: false,
      }),
    ).toEqual(["tmux"]);
    expect(notRoot.calls.some((c) => c.startsWith("apt-get"))).toBe(false);
    const noApt = machine(new Set(), { apt: false });
    expect(
      ensureCommands([{ command: "tmux", pkg: "tmux" }], {
        run: noApt.run,
        has: noApt.has,
        log: () => {},
        isRoot: true,
      }),
    ).toEqual(["tmux"]);
  });
});
