import { useEffect, useState } from "preact/hooks";
import type { AutomatonView } from "../../../src/protocol/automatons.js";
import type { Project } from "../../../src/protocol/projects.js";
import type { ProjectsApi } from "../api/projects-api.js";
import { errorText } from "../projects/error-text.js";
import { projectHref } from "../projects/project-route.js";
import { formatTime } from "../ui/format.js";
import { usePolling } from "../ui/use-polling.js";
import { AutomatonControls } from "./automaton-controls.js";
import { AutomatonEventLog } from "./automaton-event-log.js";
import { KIND_LABEL, scheduleText } from "./automaton-list.js";
import { automatonHref } from "./automaton-route.js";
import "./automatons.css";

/** How often the automaton's status is read again while the page is open. */
const REFRESH_MS = 3000;

/**
 * One automaton, live: its kind, status, ticks, schedule, project and agent, the controls its
 * status allows, and its events from `/stream/automaton/:id`.
 */
export function AutomatonPage({
  api,
  token,
  automatonId,
}: {
  api: ProjectsApi;
  token: string;
  automatonId: string;
}) {
  const [view, setView] = useState<AutomatonView | undefined>(undefined);
  const [project, setProject] = useState<Project | undefined>(undefined);
  const [actionError, setActionError] = useState<string | undefined>(undefined);

  const { loadError, reload: load } = usePolling(
    async () => {
      const next = await api.automaton(automatonId);
      setView(next);
    },
    REFRESH_MS,
    [automatonId],
  );
  const [projectError, setProjectError] = useState<string | undefined>(undefined);
  const error = actionError ?? loadError ?? projectError;
  // The project is the one the running agent works on; it does not change.
  const agentId = view?.agent_id;
  useEffect(() => {
    if (agentId === undefined) return;
    api
      .agentProjects()
      .then((projects) => {
        const projectId = projects.get(agentId);
        return projectId === undefined ? undefined : api.get(projectId);
      })
      .then(setProject, (err: unknown) => setProjectError(errorText(err)));
  }, [agentId]);

  const title = view ? `${KIND_LABEL[view.kind]} automaton` : "Automaton";
  return (
    <section class="page" aria-labelledby="automaton-title">
      <div class="page-head">
        <a href={automatonHref({ page: "automatons" })}>Automatons</a>
        <h1 id="automaton-title">{title}</h1>
        <span class="mono small">{automatonId}</span>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {view === undefined && !error && <output>Loading the automaton…</output>}
      {view && (
        <>
          <dl class="automaton-facts">
            <dt>Status</dt>
            <dd>
              <output aria-label="Automaton status" class={`status status-${view.status}`}>
                {view.status}
              </output>
              {view.reason && <span class="muted"> {view.reason}</span>}
            </dd>
            <dt>Ticks</dt>
            <dd>{view.ticks}</dd>
            <dt>Schedule</dt>
            <dd>{scheduleText(view.schedule)}</dd>
            {view.next_due_ms !== undefined && (
              <>
                <dt>Next tick</dt>
                <dd>{formatTime(view.next_due_ms)}</dd>
              </>
            )}
            <dt>Project</dt>
            <dd>
              {project ? (
                <a href={projectHref({ page: "project", projectId: project.id })}>{project.name}</a>
              ) : (
                <span class="muted">none</span>
              )}
            </dd>
            <dt>Agent</dt>
            <dd>
              <a class="mono" href={`#/agents/${view.agent_id}/chat`}>
                {view.agent_id.slice(0, 12)}…
              </a>
            </dd>
          </dl>
          <AutomatonControls
            api={api}
            view={view}
            onChanged={() => void load()}
            onError={setActionError}
          />
          <AutomatonEventLog automatonId={automatonId} token={token} label="Automaton events" />
        </>
      )}
    </section>
  );
}
