import { useEffect, useState } from "preact/hooks";

/** A tab of the agent page. */
export type AgentTab = "chat" | "record" | "files" | "usage" | "terminal";

/** A page of the console, from the URL's fragment (`#/agents`, `#/agents/<id>/record`). */
export type Route = { page: "agents" } | { page: "agent"; agentId: string; tab: AgentTab };

/**
 * Reads a route from a fragment; anything unknown is the agents page.
 *
 * @example
 * parseRoute("#/agents/ab…cd/record"); // { page: "agent", agentId: "ab…cd", tab: "record" }
 */
export function parseRoute(hash: string): Route {
  const match = /^#\/agents\/([0-9a-f]{64})(?:\/(chat|record|files|usage|terminal))?$/.exec(hash);
  if (match?.[1]) {
    return { page: "agent", agentId: match[1], tab: (match[2] as AgentTab | undefined) ?? "chat" };
  }
  return { page: "agents" };
}

/** The fragment of a route. */
export function hrefOf(route: Route): string {
  return route.page === "agents" ? "#/agents" : `#/agents/${route.agentId}/${route.tab}`;
}

/** The current route, following `hashchange`. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}

/** Goes to a route (a history entry, like following a link). */
export function navigate(route: Route): void {
  location.hash = hrefOf(route);
}
