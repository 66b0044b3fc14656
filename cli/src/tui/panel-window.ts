/** Rows a side panel spends on its frame: the top and bottom border and the heading line. */
export const PANEL_CHROME_ROWS = 3;

/** The rows of a list a panel shows: `items.slice(start, end)`. */
export interface PanelWindow {
  start: number;
  end: number;
}

/**
 * Which of `total` rows (oldest first) a side panel `height` rows tall shows: as many as fit
 * under its frame (at least one), ending `scroll` rows above the newest. `start` is never
 * negative, so the window slices an array and a `RecordLog` alike.
 *
 * @example
 * panelWindow(100, 13);     // { start: 90, end: 100 } — the newest 10
 * panelWindow(100, 13, 5);  // { start: 85, end: 95 }
 * panelWindow(4, 13);       // { start: 0, end: 4 }
 */
export function panelWindow(total: number, height: number, scroll = 0): PanelWindow {
  const visible = Math.max(1, height - PANEL_CHROME_ROWS);
  const end = Math.max(0, total - scroll);
  return { start: Math.max(0, end - visible), end };
}
