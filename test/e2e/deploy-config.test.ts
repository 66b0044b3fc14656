import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { experimental_readRawConfig } from "wrangler";
import pkg from "../../package.json" with { type: "json" };
import { cleanEnv, ROOT } from "./helpers/local-stack.js";

/**
 * What keeps wrangler off the network: no metrics, no error reports, and no banner (the
 * banner is what asks the npm registry for a newer wrangler). `--dry-run` needs no login.
 */
const OFFLINE = cleanEnv({
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  WRANGLER_HIDE_BANNER: "true",
  NO_COLOR: "1",
});

const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
const work = mkdtempSync(join(tmpdir(), "aura-e2e-deploy-"));

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs wrangler from the repository; resolves with its exit code and all its output. */
async function wrangler(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(WRANGLER, args, {
      cwd: ROOT,
      env: OFFLINE,
      timeout: 100_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    const code = typeof failed.code === "number" ? failed.code : -1;
    return { code, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

type RawConfig = ReturnType<typeof experimental_readRawConfig>["rawConfig"];
type Container = NonNullable<RawConfig["containers"]>[number];

/** The Durable Object bindings an environment of the config declares, as wrangler prints them. */
function durableObjectLines(config: { durable_objects?: RawConfig["durable_objects"] }): string[] {
  const bindings: Array<{ name: string; class_name: string }> =
    config.durable_objects?.bindings ?? [];
  return bindings.map((b) => `env.${b.name} (${b.class_name})`);
}

/**
 * `wrangler.toml` with the production containers pointing at an image reference instead of
 * a Dockerfile, so a dry run checks everything but the image build (which needs Docker),
 * written to `dir` as JSON with its paths made absolute.
 */
function withoutImageBuild(raw: RawConfig, dir: string): string {
  const config = structuredClone(raw);
  if (config.main) config.main = resolve(ROOT, config.main);
  if (config.assets?.directory) config.assets.directory = resolve(ROOT, config.assets.directory);
  const production = config.env?.production;
  if (production?.containers) {
    production.containers = production.containers.map(
      ({ image_build_context: _context, ...container }: Container) => ({
        ...container,
        image: `registry.cloudflare.com/${container.name ?? "sandbox"}:dry-run`,
      }),
    );
  }
  const path = join(dir, "wrangler.json");
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

describe("deploy configuration", () => {
  const { rawConfig } = experimental_readRawConfig({ config: join(ROOT, "wrangler.toml") });

  it("has generated Env types that match wrangler.toml (wrangler types --check)", async () => {
    // Given the options `npm run types` generates the types with
    const [command, subcommand, path, ...options] = pkg.scripts.types.split(/\s+/);
    expect([command, subcommand]).toEqual(["wrangler", "types"]);

    // When wrangler checks the checked-in file against the config
    const { code, output } = await wrangler(["types", `${path}`, ...options, "--check"]);

    // Then it is up to date
    expect(code, output).toBe(0);
    expect(output).toContain(`Types at ${path} are up to date.`);
  });

  it("dry-runs a deploy of the default environment with every binding it declares", async () => {
    const outdir = join(work, "default");

    const { code, output } = await wrangler(["deploy", "--dry-run", "--env=", "--outdir", outdir]);

    expect(output).toContain("--dry-run: exiting now.");
    expect(code, output).toBe(0);
    for (const line of durableObjectLines(rawConfig)) expect(output).toContain(line);
    expect(existsSync(join(outdir, "index.js"))).toBe(true);
  });

  it("dry-runs a deploy of the production environment and its container, without building the image", async () => {
    // Given the production environment, whose sandbox image is built from a Dockerfile
    const production = rawConfig.env?.production;
    const containers = production?.containers ?? [];
    expect(containers.length).toBeGreaterThan(0);
    for (const container of containers) {
      const dockerfile = resolve(ROOT, container.image);
      expect(existsSync(dockerfile)).toBe(true);
      expect(readFileSync(dockerfile, "utf8")).toMatch(/^FROM /m);
      expect(existsSync(resolve(ROOT, container.image_build_context ?? "."))).toBe(true);
    }
    const config = withoutImageBuild(rawConfig, work);
    const outdir = join(work, "production");

    // When wrangler dry-runs its deploy with a prebuilt image reference in the Dockerfile's place
    const { code, output } = await wrangler([
      "deploy",
      "--dry-run",
      "--env",
      "production",
      "--config",
      config,
      "--outdir",
      outdir,
    ]);

    // Then the Worker bundles and every binding and container is accepted
    expect(output).toContain("--dry-run: exiting now.");
    expect(code, output).toBe(0);
    for (const line of durableObjectLines(production ?? {})) expect(output).toContain(line);
    for (const container of containers) expect(output).toContain(`- ${container.name} (`);
    expect(existsSync(join(outdir, "index.js"))).toBe(true);
  });
});
