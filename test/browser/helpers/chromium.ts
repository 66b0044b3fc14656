import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { ROOT } from "../../e2e/helpers/local-stack.js";

/** Where screenshots go (git-ignored). */
export const ARTIFACTS = join(ROOT, "test/browser/artifacts");

/**
 * The Chromium this tier drives: `AURA_CHROMIUM` if set, else Debian's `chromium` on PATH
 * (`.ci/run` installs it). Never a downloaded browser. Throws, saying how to install it, when
 * there is none: the tier fails rather than skips.
 */
export function chromiumPath(): string {
  const named = process.env.AURA_CHROMIUM;
  if (named !== undefined && named !== "") {
    if (!existsSync(named)) throw new Error(`AURA_CHROMIUM: ${named} does not exist`);
    return named;
  }
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
    } catch {
      // not this one
    }
  }
  throw new Error(
    "the browser tier needs Chromium: install Debian's (apt-get install -y chromium; .ci/run does) or set AURA_CHROMIUM to its path",
  );
}

/** Launches headless Chromium (`--no-sandbox`: CI runs as root, where Chromium's own sandbox cannot start). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

/** A page that notes every console error, warning and uncaught exception (a CSP refusal is one). */
export async function watchedPage(
  browser: Browser,
  viewport = { width: 1280, height: 800 },
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  return { page, problems };
}

/** Saves a full-page screenshot as test/browser/artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
