import { Chalk } from "chalk";
import { formatTable } from "../../output/output.js";
import type { SlashResult } from "../../slash/types.js";
import type { NoticeTone } from "../chat-state.js";

const plain = new Chalk({ level: 0 });

/**
 * The notice a slash command's lines or table become in the transcript (actions are carried
 * out by the shell, not shown).
 *
 * @example
 * noticeOfSlash({ kind: "lines", lines: ["ok, head seq 9"] }, 80); // { text: "ok, head seq 9", tone: "info" }
 */
export function noticeOfSlash(
  result: SlashResult,
  width: number,
): { text: string; tone: NoticeTone } | undefined {
  switch (result.kind) {
    case "lines":
      return { text: result.lines.join("\n"), tone: result.tone === "error" ? "error" : "info" };
    case "table": {
      const lines = formatTable(result.columns, result.rows, Math.max(20, width - 4), plain);
      return { text: [...(result.title ? [result.title] : []), ...lines].join("\n"), tone: "info" };
    }
    case "action":
      return result.action === "credentials_changed"
        ? { text: result.lines.join("\n"), tone: "info" }
        : undefined;
  }
}
