import { Text } from "ink";
import { memo } from "react";
import type { Row } from "../layout/wrap.js";
import type { Theme } from "../theme.js";

/**
 * One screen row of styled spans. Memoised on the row object, which the layout keeps stable
 * while its item is unchanged, so React skips rows that did not change.
 */
export const RowLine = memo(function RowLine({ row, theme }: { row: Row; theme: Theme }) {
  if (row.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {row.map((span, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: spans of a row never reorder
        <Text key={i} {...theme.look[span.role]}>
          {span.text}
        </Text>
      ))}
    </Text>
  );
});
