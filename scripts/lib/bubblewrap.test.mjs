import { describe, expect, it } from "vitest";
import { ensureBubblewrap } from "./bubblewrap.mjs";

/**
 * A fake `spawnSync`: `bwrap` is missing until `apt-get install` ran (when `installable`),
 * then works unless `bwrapFails`; every call is recorded.
 * @param {{ bwrap?: boolean, installable?: boolean, aptGet?: boolean, bwrapFails?: string }} machine
 */
function fakeMachine({ bwrap = false, installable = true, aptGet = true, bwrapFails } = {}) {
  /** @type {string[]} */
  const calls = [];
  let installed = bwrap;
  const enoent = Object.assign(new Error("spawnSync ENOENT"), { code: "ENOENT" });
  /** @type {import("./bubblewrap.mjs").RunSync} */
  const run = (command, args) => {
    calls.push([command, ...args].join(" "));
    if (command === "bwrap") {
      if (!installed) return { status: null, error: enoent };
      return bwrapFails ? { status: 1, stderr: bwrapFails } : { status: 0 };
    }
    if (!aptGet) return { status: null, error: enoent };
    if (args[0] === "install") installed = installable;
    return { status: installable || args[0] !== "install" ? 0 : 100 };
  };
  return { run, calls };
}

const lines = () => {
  /** @type {string[]} */
  const seen = [];
  return { seen, log: (/** @type {string} */ line) => seen.push(line) };
};

describe("ensureBubblewrap", () => {
  it("given isolation off, when checked, then nothing runs and the note is a warning", () => {
    const machine = fakeMachine();
    const checked = ensureBubblewrap({ isolation: "off", run: machine.run, platform: "linux" });
    expect(checked).toMatchObject({
      ok: true,
      note: expect.stringMatching(/^WARNING: AURA_SANDBOX_ISOLATION=off/),
    });
    expect(machine.calls).toEqual([]);
  });

  it("given a working bwrap, when checked, then it is probed once and nothing is installed", () => {
    const machine = fakeMachine({ bwrap: true });
    const checked = ensureBubblewrap({
      isolation: "on",
      run: machine.run,
      platform: "linux",
      isRoot: true,
    });
    expect(checked.ok).toBe(true);
    expect(machine.calls).toHaveLength(1);
    expect(machine.calls[0]).toMatch(/^bwrap --unshare-all .* true$/);
  });

  it("given no bwrap, root and apt-get, when checked, then Debian's bubblewrap is installed with a progress line", () => {
    const machine = fakeMachine();
    const { seen, log } = lines();
    const checked = ensureBubblewrap({
      isolation: "on",
      run: machine.run,
      platform: "linux",
      isRoot: true,
      log,
    });
    expect(checked.ok).toBe(true);
    expect(seen).toEqual([expect.stringContaining("installing bubblewrap")]);
    expect(machine.calls).toContain("apt-get install -y -q --no-install-recommends bubblewrap");
  });

  it("given no bwrap and not root, when checked, then it fails naming AURA_SANDBOX_ISOLATION=off", () => {
    const machine = fakeMachine();
    const checked = ensureBubblewrap({
      isolation: "on",
      run: machine.run,
      platform: "linux",
      isRoot: false,
    });
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.error).toMatch(
      /bwrap is not installed.*AURA_SANDBOX_ISOLATION=off/,
    );
    expect(machine.calls.some((call) => call.startsWith("apt-get"))).toBe(false);
  });

  it("given an install that fails, when checked, then it fails naming AURA_SANDBOX_ISOLATION=off", () => {
    const machine = fakeMachine({ installable: false });
    const checked = ensureBubblewrap({
      isolation: "on",
      run: machine.run,
      platform: "linux",
      isRoot: true,
      log: () => {},
    });
    expect(!checked.ok && checked.error).toMatch(
      /could not install bubblewrap.*AURA_SANDBOX_ISOLATION=off/,
    );
  });

  it("given bwrap without user namespaces, when checked, then it fails with bwrap's words and the way out", () => {
    const machine = fakeMachine({
      bwrap: true,
      bwrapFails: "bwrap: No permissions to creating new namespace",
    });
    const checked = ensureBubblewrap({
      isolation: "on",
      run: machine.run,
      platform: "linux",
      isRoot: true,
    });
    expect(!checked.ok && checked.error).toMatch(
      /No permissions to creating new namespace.*AURA_SANDBOX_ISOLATION=off/,
    );
  });

  it("given macOS, when checked, then it fails naming AURA_SANDBOX_ISOLATION=off", () => {
    const machine = fakeMachine({ bwrap: true });
    const checked = ensureBubblewrap({ isolation: "on", run: machine.run, platform: "darwin" });
    expect(!checked.ok && checked.error).toMatch(
      /needs Linux \(this is darwin\).*AURA_SANDBOX_ISOLATION=off/,
    );
  });
});
