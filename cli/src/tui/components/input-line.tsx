import { Box, Text } from "ink";
import type { LineEditor } from "../line-editor.js";
import type { Theme } from "../theme.js";

/**
 * The prompt line: what is being typed, the cursor shown as an inverted cell. Keys are read
 * by the app (one `useInput` for the whole screen) and folded with `editLine`.
 */
export function InputLine({
  editor,
  width,
  theme,
  hint,
  secret,
}: {
  editor: LineEditor;
  width: number;
  theme: Theme;
  hint?: string;
  /** A masked question: its prompt and how many characters are typed (shown as `*`). */
  secret?: { prompt: string; length: number };
}) {
  if (secret) {
    const room = Math.max(8, width - secret.prompt.length - 4);
    return (
      <Box width={width}>
        <Text wrap="truncate-end">
          <Text {...theme.look.accent}>{secret.prompt}</Text>
          <Text>{"*".repeat(Math.min(secret.length, room))}</Text>
          <Text inverse> </Text>
        </Text>
      </Box>
    );
  }
  const before = editor.text.slice(0, editor.cursor);
  const at = editor.text.slice(editor.cursor, editor.cursor + 1) || " ";
  const after = editor.text.slice(editor.cursor + 1);
  // Keep the cursor on screen: show the tail of a line longer than the row.
  const room = Math.max(8, width - 4);
  const shownBefore =
    before.length > room ? `\u2026${before.slice(before.length - room + 1)}` : before;
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        <Text {...theme.look.accent}>{"\u276f "}</Text>
        <Text>{shownBefore}</Text>
        <Text inverse>{at}</Text>
        <Text>{after}</Text>
        {editor.text === "" && hint ? <Text {...theme.look.muted}>{hint}</Text> : null}
      </Text>
    </Box>
  );
}
