import { useState } from "preact/hooks";
import type { ProjectsApi } from "../api/projects-api.js";
import { projectHref } from "../projects/project-route.js";
import { usePolling } from "../ui/use-polling.js";
import { AutomatonControls } from "./automaton-controls.js";
import {
  type AutomatonRow,
  automatonRows,
  KIND_LABEL,
  shortAutomatonId,
} from "./automaton-list.js";
import { automatonHref } from "./automaton-route.js";
import "./automatons.css";

/** How often the list is read again while the page is open. */
const REFRESH_MS = 3000;

/**
 * Every automaton of the org (`GET /automatons`): its kind, project, status and ticks, with
 * Pause / Resume / Stop as its status allows and a link to its live view. The project comes
 * from the agent that runs it (`GET /agents`), named from `GET /projects`.
 */
export function AutomatonsPage({ api }: { api: ProjectsApi }) {
  const [rows, setRows] = useState<AutomatonRow[] | undefined>(undefined);
  const [actionError, setActionError] = useState<string | undefined>(undefined);

  const { loadError, reload: load } = usePolling(
    async () => {
      const [views, agentProjects, projects] = await Promise.all([
        api.automatons(),
        api.agentProjects(),
        api.list(),
      ]);
      setRows(automatonRows(views, agentProjects, new Map(projects.map((p) => [p.id, p.name]))));
    },
    REFRESH_MS,
    [api],
  );
  const error = actionError ?? loadError;

  return (
    <section class="page" aria-labelledby="automatons-title">
      <div class="page-head">
        <h1 id="automatons-title">Automatons</h1>
        <button type="button" class="quiet" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {rows === undefined && !error && <output>Loading automatons…</output>}
      {rows?.length === 0 && (
        <p class="empty">
          No automatons yet. Start a dev loop, a task run or a spec generation from a project.
        </p>
      )}
      {rows && rows.length > 0 && (
        <div class="table-scroll">
          <table class="agents automatons">
            <thead>
              <tr>
                <th scope="col">Automaton</th>
                <th scope="col">Kind</th>
                <th scope="col">Project</th>
                <th scope="col">Status</th>
                <th scope="col">Ticks</th>
                <th scope="col">Controls</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ view, project }) => {
                const name = `${KIND_LABEL[view.kind]} ${shortAutomatonId(view.automaton_id)}`;
                return (
                  <tr key={view.automaton_id}>
                    <td>
                      <a
                        class="mono"
                        href={automatonHref({ page: "automaton", automatonId: view.automaton_id })}
                        aria-label={`Live view of ${name}`}
                      >
                        {shortAutomatonId(view.automaton_id)}
                      </a>
                    </td>
                    <td>{KIND_LABEL[view.kind]}</td>
                    <td>
                      {project ? (
                        <a href={projectHref({ page: "project", projectId: project.id })}>
                          {project.name}
                        </a>
                      ) : (
                        <span class="muted">none</span>
                      )}
                    </td>
                    <td>
                      <span class={`status status-${view.status}`}>{view.status}</span>
                      {view.reason && <span class="muted reason"> {view.reason}</span>}
                    </td>
                    <td class="num">{view.ticks}</td>
                    <td>
                      <AutomatonControls
                        api={api}
                        view={view}
                        name={name}
                        onChanged={() => void load()}
                        onError={setActionError}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
