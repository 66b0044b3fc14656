/**
 * Renders rows as a plain-text table: columns padded to their widest cell, numbers (cells
 * that start with a digit, a sign or a dash) right-aligned, a rule under the header.
 *
 * @example
 * formatTable(["name", "req/s"], [["bare", "1239"]]);
 * // name  req/s
 * // ----  -----
 * // bare   1239
 * @param {string[]} header
 * @param {string[][]} rows
 * @returns {string}
 */
export function formatTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = header.map((_, i) => rows.every((r) => /^([-+0-9.—]|$)/.test(r[i] ?? "")));
  const line = (/** @type {string[]} */ cells) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/**
 * A number with a fixed count of decimals, or "—" when it is not a finite number.
 * @param {number | undefined} value
 * @param {number} digits
 * @returns {string}
 */
export function fixed(value, digits) {
  return value === undefined || !Number.isFinite(value) ? "—" : value.toFixed(digits);
}
