/**
 * Runs `fn` at most once per animation frame, however often it is asked to: a socket that
 * replays hundreds of frames at once (each its own task) costs one render per screen refresh
 * instead of one per frame. `flush` runs it now if it is due (before something that must see
 * every frame so far).
 *
 * @example
 * const render = perFrame(() => setVersion((n) => n + 1));
 * socket.onmessage = () => render.schedule();
 */
export function perFrame(fn: () => void): { schedule: () => void; flush: () => void } {
  let due = false;
  const run = () => {
    if (!due) return;
    due = false;
    fn();
  };
  const later: (cb: () => void) => void =
    typeof requestAnimationFrame === "function"
      ? (cb) => requestAnimationFrame(() => cb())
      : (cb) => setTimeout(cb, 16);
  return {
    schedule() {
      if (due) return;
      due = true;
      later(run);
    },
    flush: run,
  };
}
