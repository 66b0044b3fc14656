import { useEffect, useRef, useState } from "preact/hooks";
import { errorText } from "../projects/error-text.js";

/**
 * Reads now, then every `everyMs` while the component is mounted, and again at once when a
 * value in `deps` changes; each tick calls the latest `read`. Gives the last read's failure
 * as text (cleared by the next success) and `reload` to read again at once.
 *
 * @example
 * const { loadError, reload } = usePolling(async () => setView(await api.automaton(id)), 3000, [id]);
 */
export function usePolling(
  read: () => Promise<void>,
  everyMs: number,
  deps: unknown[],
): { loadError: string | undefined; reload: () => Promise<void> } {
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const latest = useRef(read);
  latest.current = read;
  const reload = useRef(async () => {
    try {
      await latest.current();
      setLoadError(undefined);
    } catch (err) {
      setLoadError(errorText(err));
    }
  }).current;
  useEffect(() => {
    void reload();
    const timer = setInterval(() => void reload(), everyMs);
    return () => clearInterval(timer);
  }, deps);
  return { loadError, reload };
}
