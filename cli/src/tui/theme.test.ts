import { describe, expect, it } from "vitest";
import { THEME_NAMES, themeOf } from "./theme.js";

describe("themeOf", () => {
  it("gives every theme a colour for headings, and none under NO_COLOR", () => {
    for (const name of THEME_NAMES.filter((n) => n !== "minimal")) {
      expect(themeOf(name, {}).look.heading.color).toBeTruthy();
      const plain = themeOf(name, { NO_COLOR: "1" });
      expect(Object.values(plain.look).some((look) => look.color || look.backgroundColor)).toBe(
        false,
      );
      expect(plain.look.heading.bold).toBe(true);
    }
  });

  it("never colours the minimal theme, and ignores an empty NO_COLOR", () => {
    expect(Object.values(themeOf("minimal").look).some((look) => look.color)).toBe(false);
    expect(themeOf("matrix", { NO_COLOR: "" }).look.heading.color).toBe("greenBright");
  });
});
