/**
 * Which rows of a fixed-row-height list to render: the visible ones plus `overscan` on each
 * side, as `[from, to)`.
 *
 * @example
 * visibleWindow({ count: 10_000, rowPx: 32, scrollTop: 3200, height: 640, overscan: 10 });
 * // { from: 90, to: 130 }
 */
export function visibleWindow(o: {
  count: number;
  rowPx: number;
  scrollTop: number;
  height: number;
  overscan: number;
}): { from: number; to: number } {
  const first = Math.floor(o.scrollTop / o.rowPx);
  const visible = Math.ceil(o.height / o.rowPx);
  return {
    from: Math.max(0, first - o.overscan),
    to: Math.min(o.count, first + visible + o.overscan),
  };
}
