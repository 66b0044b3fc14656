import { Box, Text } from "ink";
import { memo } from "react";
import { panelWindow } from "../panel-window.js";
import type { RecordLog, RecordRow } from "../record-log.js";
import type { Theme } from "../theme.js";

/** Columns the record panel takes. */
export const RECORD_PANEL_WIDTH = 38;

const RecordLine = memo(function RecordLine({ row, theme }: { row: RecordRow; theme: Theme }) {
  return (
    <Text wrap="truncate-end">
      <Text {...theme.look.number}>{String(row.seq).padStart(6)}</Text>
      <Text> </Text>
      <Text {...theme.look.accent}>{row.txType.padEnd(15)}</Text>
      <Text> </Text>
      <Text {...theme.look.muted}>{row.shortHash}</Text>
    </Text>
  );
});

/**
 * The record as it grows: one line per entry (seq, transaction type, short hash), newest at
 * the bottom. Only the rows that fit are rendered, each memoised, so a new entry costs the
 * same with 100 rows in the log as with 10,000.
 */
export function RecordPanel({
  records,
  height,
  scroll = 0,
  theme,
}: {
  records: RecordLog;
  height: number;
  scroll?: number;
  theme: Theme;
}) {
  const { start, end } = panelWindow(records.length, height, scroll);
  const rows = records.slice(start, end);
  return (
    <Box
      flexDirection="column"
      width={RECORD_PANEL_WIDTH}
      height={height}
      borderStyle="single"
      borderColor={theme.look.border.color ?? ""}
      overflow="hidden"
    >
      <Text
        {...theme.look.heading}
        wrap="truncate-end"
      >{` record \u00b7 ${records.length} entries`}</Text>
      {rows.map((row) => (
        <RecordLine key={row.seq} row={row} theme={theme} />
      ))}
    </Box>
  );
}
