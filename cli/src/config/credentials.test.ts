import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  auraHome,
  credentialsPath,
  readCredentials,
  rememberAgent,
  removeServer,
  saveServer,
  writeCredentials,
} from "./credentials.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempHome(): string {
  const dir = mkdtempSync(join(tmpdir(), "aura-creds-"));
  dirs.push(dir);
  return join(dir, ".aura");
}

describe("credentials", () => {
  it("live in AURA_HOME when it is set, else in ~/.aura", () => {
    expect(auraHome({ AURA_HOME: "/tmp/somewhere" })).toBe("/tmp/somewhere");
    expect(auraHome({})).toMatch(/\.aura$/);
    expect(credentialsPath({ AURA_HOME: "/x" })).toBe("/x/credentials.json");
  });

  it("are written readable by their owner only: file 0600 in a 0700 folder", () => {
    const home = tempHome();
    const path = join(home, "credentials.json");
    saveServer("local", { url: "http://127.0.0.1:8787", token: "t0k" }, path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(home).mode & 0o777).toBe(0o700);
  });

  it("are replaced whole by a rename, leaving no temporary file behind", () => {
    const home = tempHome();
    const path = join(home, "credentials.json");
    saveServer("a", { url: "http://a", token: "1" }, path);
    writeFileSync(path, readFileSync(path, "utf8"), { mode: 0o644 });
    saveServer("b", { url: "http://b", token: "2" }, path);
    expect(readdirSync(home)).toEqual(["credentials.json"]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readCredentials(path)).toEqual({
      current: "b",
      servers: { a: { url: "http://a", token: "1" }, b: { url: "http://b", token: "2" } },
    });
  });

  it("keep the old file when the new one cannot be serialised", () => {
    const home = tempHome();
    const path = join(home, "credentials.json");
    saveServer("a", { url: "http://a", token: "1" }, path);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => writeCredentials({ servers: cyclic as never, current: "x" }, path)).toThrow();
    expect(readdirSync(home)).toEqual(["credentials.json"]);
    expect(readCredentials(path).current).toBe("a");
  });

  it("leave no temporary file behind when the rename fails", () => {
    const home = tempHome();
    const path = join(home, "credentials.json");
    mkdirSync(join(path, "in-the-way"), { recursive: true });
    expect(() => writeCredentials({ servers: {} }, path)).toThrow();
    expect(readdirSync(home)).toEqual(["credentials.json"]);
  });

  it("hold several named servers; logging out of the current one makes another current", () => {
    const path = join(tempHome(), "credentials.json");
    saveServer("a", { url: "http://a", token: "1" }, path);
    saveServer("b", { url: "http://b", token: "2" }, path);
    rememberAgent("b", "f".repeat(64), path);
    expect(readCredentials(path).servers.b?.agent_id).toBe("f".repeat(64));
    expect(removeServer(undefined, path)).toBe("b");
    expect(readCredentials(path)).toEqual({
      current: "a",
      servers: { a: { url: "http://a", token: "1" } },
    });
    expect(removeServer("nope", path)).toBeUndefined();
  });

  it("read as empty when there is no file, and refuse a file of another shape", () => {
    const path = join(tempHome(), "credentials.json");
    expect(readCredentials(path)).toEqual({ servers: {} });
    saveServer("a", { url: "http://a", token: "1" }, path);
    writeFileSync(path, '{"servers": 5}');
    expect(() => readCredentials(path)).toThrow(/not a credentials file/);
  });
});
