import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ROOT } from "../e2e/helpers/local-stack.js";

/** The budget for the console's script and stylesheet, gzipped. */
const BUDGET_BYTES = 150 * 1000;

describe("the console's bundle", () => {
  it("is at most 150 KB gzipped, script and stylesheet together", () => {
    const dist = join(ROOT, "console/dist");
    const bytes = ["app.js", "app.css"]
      .map((file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length)
      .reduce((a, b) => a + b, 0);
    console.log(`console bundle: ${(bytes / 1000).toFixed(1)} KB gzipped`);
    expect(bytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it("loads nothing from another origin", () => {
    const html = readFileSync(join(ROOT, "console/dist/index.html"), "utf8");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const script = readFileSync(join(ROOT, "console/dist/app.js"), "utf8");
    expect(script).not.toMatch(/import\s*\(?\s*["']https?:/);
  });
});
