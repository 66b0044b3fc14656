import { useState } from "preact/hooks";
import type { AutomatonView } from "../../../src/protocol/automatons.js";
import type { Project, Spec, Task } from "../../../src/protocol/projects.js";
import type { ProjectsApi } from "../api/projects-api.js";
import { AutomatonControls } from "../automatons/automaton-controls.js";
import { AutomatonEventLog } from "../automatons/automaton-event-log.js";
import { projectAutomatons } from "../automatons/automaton-list.js";
import { usePolling } from "../ui/use-polling.js";
import { errorText } from "./error-text.js";
import { NewTaskForm } from "./new-task-form.js";
import { ProjectAutomatons } from "./project-automatons.js";
import { projectHref } from "./project-route.js";
import { SpecList } from "./spec-list.js";
import { allowedCommands, BOARD_COLUMNS, taskBoard } from "./task-board.js";
import { TaskCard } from "./task-card.js";
import "./projects.css";

/** How often the board, the specs and the automatons are read again while the page is open. */
const REFRESH_MS = 3000;

/**
 * One project: its dev loop (start, pause, resume, stop, live events), every automaton
 * working on it (and a spec generation to start), its specs, and its tasks as a board by
 * status, where tasks are added, edited, moved, run and deleted.
 */
export function ProjectPage({
  api,
  token,
  projectId,
}: {
  api: ProjectsApi;
  token: string;
  projectId: string;
}) {
  const [project, setProject] = useState<Project | undefined>(undefined);
  const [tasks, setTasks] = useState<Task[] | undefined>(undefined);
  const [specs, setSpecs] = useState<Spec[] | undefined>(undefined);
  const [automatons, setAutomatons] = useState<AutomatonView[] | undefined>(undefined);
  const [actionError, setActionError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const { loadError, reload: load } = usePolling(
    async () => {
      const [p, t, s, views, agentProjects] = await Promise.all([
        api.get(projectId),
        api.tasks(projectId),
        api.specs(projectId),
        api.automatons(),
        api.agentProjects(),
      ]);
      const loopId = p.dev_loop_automaton_id;
      // The project names its dev loop: read it directly when the org's list missed it.
      if (loopId !== undefined && !views.some((v) => v.automaton_id === loopId)) {
        views.push(await api.automaton(loopId));
      }
      setProject(p);
      setTasks(t);
      setSpecs(s);
      setAutomatons(projectAutomatons(views, agentProjects, projectId, loopId));
    },
    REFRESH_MS,
    [projectId],
  );
  const error = actionError ?? loadError;

  const startDevLoop = async () => {
    setBusy(true);
    setActionError(undefined);
    try {
      await api.startDevLoop(projectId);
      await load();
    } catch (err) {
      setActionError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const loop = automatons?.find((a) => a.automaton_id === project?.dev_loop_automaton_id);
  const board = taskBoard(tasks ?? []);
  const reload = () => void load();
  return (
    <section class="page" aria-labelledby="project-title">
      <div class="page-head">
        <a href={projectHref({ page: "projects" })}>Projects</a>
        <h1 id="project-title">{project?.name ?? "Project"}</h1>
        {project?.description && <span class="muted">{project.description}</span>}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <section class="dev-loop" aria-labelledby="dev-loop-title">
        <h2 id="dev-loop-title">Dev loop</h2>
        {loop ? (
          <p>
            <span class="mono" title={loop.automaton_id}>
              {loop.automaton_id.slice(0, 16)}…
            </span>{" "}
            <output aria-label="Dev loop status" class={`status status-${loop.status}`}>
              {loop.status}
            </output>{" "}
            <span class="muted">
              {loop.ticks} ticks{loop.reason ? `; ${loop.reason}` : ""}
            </span>
          </p>
        ) : (
          <p class="muted">No dev loop has run on this project.</p>
        )}
        <div class="actions">
          {(!loop || allowedCommands(loop.status).length === 0) && (
            <button
              type="button"
              disabled={busy || tasks === undefined}
              onClick={() => void startDevLoop()}
            >
              Start dev loop
            </button>
          )}
          {loop && (
            <AutomatonControls api={api} view={loop} onChanged={reload} onError={setActionError} />
          )}
        </div>
        {loop && (
          <AutomatonEventLog
            key={loop.automaton_id}
            automatonId={loop.automaton_id}
            token={token}
            label="Dev loop events"
          />
        )}
      </section>
      <ProjectAutomatons
        api={api}
        projectId={projectId}
        automatons={automatons}
        onChanged={reload}
      />
      <SpecList projectId={projectId} specs={specs} />
      <section aria-labelledby="board-title">
        <h2 id="board-title">Tasks</h2>
        <NewTaskForm api={api} projectId={projectId} onCreated={reload} />
        {tasks === undefined && !error && <output>Loading tasks…</output>}
        {tasks?.length === 0 && <p class="empty">No tasks yet.</p>}
        <div class="task-board">
          {BOARD_COLUMNS.map((column) => {
            const items = board.get(column.status) ?? [];
            return (
              <section
                key={column.status}
                class="task-column"
                aria-label={`${column.title} (${items.length})`}
              >
                <h3>
                  {column.title} <span class="muted">{items.length}</span>
                </h3>
                <ul>
                  {items.map((task) => (
                    <TaskCard
                      key={task.id}
                      api={api}
                      projectId={projectId}
                      task={task}
                      onChanged={reload}
                    />
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
      </section>
    </section>
  );
}
