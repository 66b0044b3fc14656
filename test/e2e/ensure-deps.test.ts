import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "./helpers/local-stack.js";

interface InstallPlan {
  command: "ci" | "install";
  reason: string;
}
type PlanInstall = (root: string, options?: { ci?: boolean }) => InstallPlan | undefined;

// A plain-JS script module (it runs before node_modules exists), so it is typed here.
const { planInstall } = (await import(pathToFileURL(join(ROOT, "scripts/lib/deps.mjs")).href)) as {
  planInstall: PlanInstall;
};

const DEPS = { dependencies: { zod: "4.6.7" }, devDependencies: { vitest: "4.1.12" } };

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A package directory; each file is written with the given age in seconds. */
function project(files: Record<string, { json: unknown; ageSeconds: number }>): string {
  const dir = mkdtempSync(join(tmpdir(), "aura-deps-"));
  dirs.push(dir);
  for (const [path, { json, ageSeconds }] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(join(full, ".."), { recursive: true });
    writeFileSync(full, JSON.stringify(json));
    const when = new Date(Date.now() - ageSeconds * 1000);
    utimesSync(full, when, when);
  }
  return dir;
}

const manifest = (ageSeconds: number, extra: object = {}) => ({
  json: { name: "p", ...DEPS, ...extra },
  ageSeconds,
});
const lockfile = (ageSeconds: number) => ({
  json: { lockfileVersion: 3, packages: { "": { name: "p", ...DEPS } } },
  ageSeconds,
});
const installed = (ageSeconds: number) => ({ json: {}, ageSeconds });

describe("ensure-deps", () => {
  it("does nothing, quietly and quickly, when node_modules is current", () => {
    const startedAt = Date.now();
    const run = spawnSync(process.execPath, ["scripts/ensure-deps.mjs"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toBe("");
    expect(Date.now() - startedAt).toBeLessThan(2000);
  });

  it("plans npm ci when node_modules is missing", () => {
    const dir = project({ "package.json": manifest(60), "package-lock.json": lockfile(60) });
    expect(planInstall(dir)).toEqual({ command: "ci", reason: "node_modules is missing" });
  });

  it("plans npm ci when package-lock.json is newer than the last install", () => {
    const dir = project({
      "package.json": manifest(60),
      "package-lock.json": lockfile(10),
      "node_modules/.package-lock.json": installed(30),
    });
    expect(planInstall(dir)?.command).toBe("ci");
  });

  it("plans nothing when only package.json's scripts changed since the install", () => {
    const dir = project({
      "package.json": manifest(1, { scripts: { start: "node x.mjs" } }),
      "package-lock.json": lockfile(60),
      "node_modules/.package-lock.json": installed(30),
    });
    expect(planInstall(dir)).toBeUndefined();
  });

  it("plans npm install when package.json declares a dependency the lockfile lacks, npm ci under CI", () => {
    const dir = project({
      "package.json": manifest(1, { dependencies: { ...DEPS.dependencies, hono: "4.13.19" } }),
      "package-lock.json": lockfile(60),
      "node_modules/.package-lock.json": installed(30),
    });
    expect(planInstall(dir)?.command).toBe("install");
    expect(planInstall(dir, { ci: true })?.command).toBe("ci");
  });

  it("plans npm install without a lockfile when node_modules is missing or older than package.json", () => {
    expect(planInstall(project({ "package.json": manifest(60) }))?.command).toBe("install");
    const stale = project({
      "package.json": manifest(10),
      "node_modules/.package-lock.json": installed(30),
    });
    expect(planInstall(stale)?.command).toBe("install");
    const fresh = project({
      "package.json": manifest(60),
      "node_modules/.package-lock.json": installed(30),
    });
    expect(planInstall(fresh)).toBeUndefined();
  });
});
