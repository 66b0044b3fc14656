import type { Spec } from "../../../src/protocol/projects.js";
import { projectHref } from "./project-route.js";

/** A project's specs in `order`, each title opening the spec. */
export function SpecList({ projectId, specs }: { projectId: string; specs: Spec[] | undefined }) {
  return (
    <section aria-labelledby="specs-title">
      <h2 id="specs-title">Specs {specs && <span class="muted">{specs.length}</span>}</h2>
      {specs === undefined && <output>Loading specs…</output>}
      {specs?.length === 0 && (
        <p class="empty">No specs yet. A spec generation writes them from a requirements file.</p>
      )}
      {specs && specs.length > 0 && (
        <ol class="spec-list" aria-label="Specs">
          {[...specs]
            .sort((a, b) => a.order - b.order)
            .map((spec) => (
              <li key={spec.id}>
                <a href={projectHref({ page: "spec", projectId, specId: spec.id })}>{spec.title}</a>
              </li>
            ))}
        </ol>
      )}
    </section>
  );
}
