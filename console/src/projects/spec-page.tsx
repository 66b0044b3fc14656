import { useEffect, useState } from "preact/hooks";
import type { Project, Spec } from "../../../src/protocol/projects.js";
import type { ProjectsApi } from "../api/projects-api.js";
import { Markdown } from "../chat/markdown.js";
import { formatTime } from "../ui/format.js";
import { errorText } from "./error-text.js";
import { projectHref } from "./project-route.js";
import "./projects.css";

/** One spec of a project (`GET /projects/:id/specs/:spec_id`), its markdown rendered. */
export function SpecPage({
  api,
  projectId,
  specId,
}: {
  api: ProjectsApi;
  projectId: string;
  specId: string;
}) {
  const [project, setProject] = useState<Project | undefined>(undefined);
  const [spec, setSpec] = useState<Spec | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    setError(undefined);
    Promise.all([api.get(projectId), api.spec(projectId, specId)]).then(
      ([p, s]) => {
        setProject(p);
        setSpec(s);
      },
      (err: unknown) => setError(errorText(err)),
    );
  }, [projectId, specId]);
  return (
    <section class="page" aria-labelledby="spec-title">
      <div class="page-head">
        <a href={projectHref({ page: "project", projectId })}>{project?.name ?? "Project"}</a>
        <h1 id="spec-title">{spec?.title ?? "Spec"}</h1>
        {spec && <span class="muted">updated {formatTime(spec.updated_at)}</span>}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {spec === undefined && !error && <output>Loading the spec…</output>}
      {spec?.markdown_contents.trim() === "" && <p class="empty">This spec is empty.</p>}
      {spec && spec.markdown_contents.trim() !== "" && (
        <article class="card spec-body" aria-label={`Spec ${spec.title}`}>
          <Markdown text={spec.markdown_contents} />
        </article>
      )}
    </section>
  );
}
