import { Chalk, type ChalkInstance } from "chalk";

/** A column of a table: the row key it shows and its header. */
export interface Column {
  key: string;
  header: string;
}

/** Where and how a command prints. */
export interface Output {
  /** True: one JSON object per line (stdout is not a TTY, or `--json`). */
  json: boolean;
  /** Colours for TTY output (a no-colour instance under `NO_COLOR` or JSON mode). */
  color: ChalkInstance;
  /** Terminal width for tables. */
  width: number;
  /** Prints one line of text (TTY mode). */
  line(text: string): void;
  /** Prints one JSON object on its own line. */
  object(value: unknown): void;
  /** Prints rows: a table on a TTY, one JSON object per row otherwise. */
  table(columns: Column[], rows: Record<string, unknown>[]): void;
}

export interface OutputOptions {
  json?: boolean;
  stream?: { isTTY?: boolean; columns?: number; write(chunk: string): unknown };
  env?: NodeJS.ProcessEnv;
}

/**
 * The output of one command: JSON lines when stdout is not a TTY or `json` is asked for;
 * otherwise tables sized to the terminal and colours (none under `NO_COLOR`).
 *
 * @example
 * const out = createOutput({ json: opts.json });
 * out.table([{ key: "agent_id", header: "AGENT" }], agents);
 */
export function createOutput(options: OutputOptions = {}): Output {
  const stream = options.stream ?? process.stdout;
  const env = options.env ?? process.env;
  const json = options.json === true || stream.isTTY !== true;
  const noColor = json || (env.NO_COLOR !== undefined && env.NO_COLOR !== "");
  const color = new Chalk({ level: noColor ? 0 : 2 });
  const width = stream.columns && stream.columns > 20 ? stream.columns : 80;
  return {
    json,
    color,
    width,
    line: (text) => {
      stream.write(`${text}\n`);
    },
    object: (value) => {
      stream.write(`${JSON.stringify(value)}\n`);
    },
    table: (columns, rows) => {
      if (json) {
        for (const row of rows) stream.write(`${JSON.stringify(row)}\n`);
        return;
      }
      for (const text of formatTable(columns, rows, width, color)) stream.write(`${text}\n`);
    },
  };
}

/**
 * Lines of a table no wider than `width`: columns as wide as their widest cell, the widest
 * ones cut (with `…`) until the table fits.
 *
 * @example
 * formatTable([{ key: "a", header: "A" }], [{ a: "x" }], 80, new Chalk({ level: 0 }));
 * // ["A", "x"]
 */
export function formatTable(
  columns: Column[],
  rows: Record<string, unknown>[],
  width: number,
  color: ChalkInstance,
): string[] {
  const cells = rows.map((row) => columns.map((c) => cellText(row[c.key])));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((r) => (r[i] ?? "").length)),
  );
  const gap = 2;
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1);
  while (total() > width) {
    const widest = widths.indexOf(Math.max(...widths));
    if ((widths[widest] ?? 0) <= 4) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  const clip = (text: string, w: number) =>
    text.length > w ? `${text.slice(0, Math.max(0, w - 1))}…` : text.padEnd(w);
  const render = (values: string[]) =>
    values
      .map((v, i) => clip(v, widths[i] ?? 0))
      .join(" ".repeat(gap))
      .trimEnd();
  return [color.bold(render(columns.map((c) => c.header))), ...cells.map(render)];
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value.replace(/\s+/g, " ");
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
