import { useEffect, useState } from "preact/hooks";

/** The project pages' routes: `#/projects`, `#/projects/<id>`; anything else is not theirs. */
export type ProjectRoute = { page: "projects" } | { page: "project"; projectId: string };

/**
 * Reads a project route from a fragment, or `undefined` (the agent pages' router decides).
 *
 * @example
 * parseProjectRoute("#/projects"); // { page: "projects" }
 */
export function parseProjectRoute(hash: string): ProjectRoute | undefined {
  if (hash === "#/projects") return { page: "projects" };
  const match = /^#\/projects\/([0-9a-f]{64})$/.exec(hash);
  return match?.[1] ? { page: "project", projectId: match[1] } : undefined;
}

/** The fragment of a project route. */
export function projectHref(route: ProjectRoute): string {
  return route.page === "projects" ? "#/projects" : `#/projects/${route.projectId}`;
}

/** The current project route, following `hashchange`. */
export function useProjectRoute(): ProjectRoute | undefined {
  const [route, setRoute] = useState(() => parseProjectRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseProjectRoute(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}
