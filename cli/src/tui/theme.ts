import type { SpanStyle } from "./markdown/styled-line.js";

/** How one kind of text looks: Ink `<Text>` props. */
export interface Look {
  color?: string;
  backgroundColor?: string;
  bold?: boolean;
  italic?: boolean;
  dimColor?: boolean;
  strikethrough?: boolean;
  underline?: boolean;
}

/** Parts of the screen a theme colours, besides markdown spans. */
export type UiRole =
  | "accent"
  | "user"
  | "assistant"
  | "thinking"
  | "border"
  | "status"
  | "ok"
  | "error"
  | "warn"
  | "muted"
  | "add"
  | "remove";

export type ThemeName = "cyber" | "matrix" | "synthwave" | "minimal";
export const THEME_NAMES: readonly ThemeName[] = ["cyber", "matrix", "synthwave", "minimal"];

export interface Theme {
  name: ThemeName;
  look: Record<SpanStyle | UiRole, Look>;
}

type Palette = Record<
  "accent" | "second" | "text" | "muted" | "ok" | "error" | "warn" | "string" | "number",
  string
>;

const PALETTES: Record<Exclude<ThemeName, "minimal">, Palette> = {
  cyber: {
    accent: "cyanBright",
    second: "magentaBright",
    text: "white",
    muted: "gray",
    ok: "greenBright",
    error: "redBright",
    warn: "yellowBright",
    string: "greenBright",
    number: "yellow",
  },
  matrix: {
    accent: "greenBright",
    second: "green",
    text: "green",
    muted: "gray",
    ok: "greenBright",
    error: "redBright",
    warn: "yellow",
    string: "greenBright",
    number: "white",
  },
  synthwave: {
    accent: "magentaBright",
    second: "#ff7edb",
    text: "#f8f8f2",
    muted: "#848bbd",
    ok: "#72f1b8",
    error: "#fe4450",
    warn: "#fede5d",
    string: "#ff8b39",
    number: "#f97e72",
  },
};

function fromPalette(name: ThemeName, p: Palette): Theme {
  return {
    name,
    look: {
      plain: {},
      bold: { bold: true },
      italic: { italic: true },
      strike: { strikethrough: true },
      code: { color: p.warn },
      link: { color: p.accent, underline: true },
      heading: { color: p.accent, bold: true },
      quote: { color: p.muted },
      bullet: { color: p.second },
      rule: { color: p.muted },
      fence: { color: p.muted },
      keyword: { color: p.second, bold: true },
      string: { color: p.string },
      comment: { color: p.muted, italic: true },
      number: { color: p.number },
      title: { color: p.accent },
      type: { color: p.warn },
      meta: { color: p.muted },
      accent: { color: p.accent, bold: true },
      user: { color: p.second, bold: true },
      assistant: { color: p.accent, bold: true },
      thinking: { color: p.muted, dimColor: true, italic: true },
      border: { color: p.muted },
      status: { color: p.text },
      ok: { color: p.ok },
      error: { color: p.error },
      warn: { color: p.warn },
      muted: { color: p.muted, dimColor: true },
      add: { color: p.ok },
      remove: { color: p.error },
    },
  };
}

/** Only attributes: what `minimal` and `NO_COLOR` show. */
function withoutColour(theme: Theme, name: ThemeName = theme.name): Theme {
  const look = {} as Theme["look"];
  for (const [role, l] of Object.entries(theme.look) as [keyof Theme["look"], Look][]) {
    const { color: _c, backgroundColor: _b, ...rest } = l;
    look[role] = rest;
  }
  return { name, look };
}

/**
 * The theme to draw with. `NO_COLOR` (any non-empty value, per no-color.org) keeps the
 * theme's bold, italic and dim but drops every colour; `minimal` never colours.
 *
 * @example
 * themeOf("matrix", process.env).look.heading; // { color: "greenBright", bold: true }
 */
export function themeOf(name: ThemeName = "cyber", env: NodeJS.ProcessEnv = {}): Theme {
  const base = fromPalette(name, PALETTES[name === "minimal" ? "cyber" : name]);
  const noColor = typeof env.NO_COLOR === "string" && env.NO_COLOR !== "";
  return name === "minimal" || noColor ? withoutColour(base, name) : base;
}
