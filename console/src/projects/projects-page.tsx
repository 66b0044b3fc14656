import { useEffect, useState } from "preact/hooks";
import type { Project } from "../../../src/protocol/projects.js";
import type { ProjectsApi } from "../api/projects-api.js";
import { formatTime } from "../ui/format.js";
import { OneFieldForm } from "../ui/one-field-form.js";
import { projectHref } from "./project-route.js";
import "./projects.css";

/** The org's projects (`GET /projects`), with a form for a new one. */
export function ProjectsPage({ api }: { api: ProjectsApi }) {
  const [projects, setProjects] = useState<Project[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const load = () => {
    setError(undefined);
    api.list().then(setProjects, (err: Error) => setError(err.message));
  };
  useEffect(load, [api]);

  const create = async () => {
    if (!name.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      const project = await api.create({ name: name.trim() });
      location.hash = projectHref({ page: "project", projectId: project.id });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="page" aria-labelledby="projects-title">
      <div class="page-head">
        <h1 id="projects-title">Projects</h1>
        <button type="button" class="quiet" onClick={load}>
          Refresh
        </button>
      </div>
      <OneFieldForm
        name="New project"
        label="Project name"
        button="New project"
        value={name}
        maxLength={200}
        busy={busy}
        onInput={setName}
        onSubmit={() => void create()}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {projects === undefined && !error && <output>Loading projects…</output>}
      {projects?.length === 0 && <p class="empty">No projects yet.</p>}
      {projects && projects.length > 0 && (
        <table class="agents">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {projects.map((p) => (
              <tr key={p.id}>
                <td>
                  <a href={projectHref({ page: "project", projectId: p.id })}>{p.name}</a>
                </td>
                <td>{p.description}</td>
                <td>{formatTime(p.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
