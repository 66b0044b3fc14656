import { Box } from "ink";
import type { ChatState } from "../chat-state.js";
import { visibleRows } from "../layout/transcript-rows.js";
import type { Theme } from "../theme.js";
import { RowLine } from "./row-line.js";

export interface TranscriptProps {
  state: ChatState;
  width: number;
  height: number;
  /** Rows scrolled up from the end (PgUp / PgDn). */
  scroll: number;
  theme: Theme;
}

/**
 * The chat: the person's messages, the streamed answers as markdown, thinking, tool cards
 * and notices, bottom-anchored and cut to `height` rows. Only the visible rows are laid out
 * and rendered.
 */
export function Transcript({ state, width, height, scroll, theme }: TranscriptProps) {
  const rows = visibleRows(state, width, height, scroll);
  return (
    <Box
      flexDirection="column"
      height={height}
      width={width}
      overflow="hidden"
      justifyContent="flex-end"
    >
      {rows.map((row, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a position on screen is the row's identity
        <RowLine key={i} row={row} theme={theme} />
      ))}
    </Box>
  );
}
