import { useEffect, useState } from "preact/hooks";

/**
 * The project pages' routes: `#/projects`, `#/projects/<id>` and one spec of a project,
 * `#/projects/<id>/specs/<spec_id>`; anything else is not theirs.
 */
export type ProjectRoute =
  | { page: "projects" }
  | { page: "project"; projectId: string }
  | { page: "spec"; projectId: string; specId: string };

/**
 * Reads a project route from a fragment, or `undefined` (the agent pages' router decides).
 *
 * @example
 * parseProjectRoute("#/projects"); // { page: "projects" }
 */
export function parseProjectRoute(hash: string): ProjectRoute | undefined {
  if (hash === "#/projects") return { page: "projects" };
  const match = /^#\/projects\/([0-9a-f]{64})(?:\/specs\/([0-9a-f]{32}))?$/.exec(hash);
  if (!match?.[1]) return undefined;
  if (match[2]) return { page: "spec", projectId: match[1], specId: match[2] };
  return { page: "project", projectId: match[1] };
}

/** The fragment of a project route. */
export function projectHref(route: ProjectRoute): string {
  if (route.page === "projects") return "#/projects";
  if (route.page === "spec") return `#/projects/${route.projectId}/specs/${route.specId}`;
  return `#/projects/${route.projectId}`;
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
