import { useEffect, useState } from "preact/hooks";

/** The automaton pages' routes: the org's list, `#/automatons`, and one automaton's live view. */
export type AutomatonRoute = { page: "automatons" } | { page: "automaton"; automatonId: string };

/**
 * Reads an automaton route from a fragment, or `undefined` (another router decides).
 *
 * @example
 * parseAutomatonRoute(`#/automatons/${"a".repeat(80)}`); // { page: "automaton", automatonId: "aa…" }
 */
export function parseAutomatonRoute(hash: string): AutomatonRoute | undefined {
  if (hash === "#/automatons") return { page: "automatons" };
  const match = /^#\/automatons\/([0-9a-f]{80})$/.exec(hash);
  return match?.[1] ? { page: "automaton", automatonId: match[1] } : undefined;
}

/** The fragment of an automaton route. */
export function automatonHref(route: AutomatonRoute): string {
  return route.page === "automatons" ? "#/automatons" : `#/automatons/${route.automatonId}`;
}

/** The current automaton route, following `hashchange`. */
export function useAutomatonRoute(): AutomatonRoute | undefined {
  const [route, setRoute] = useState(() => parseAutomatonRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseAutomatonRoute(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}
