import { useEffect, useState } from "preact/hooks";
import type { AutomatonCommand, AutomatonView } from "../../../src/protocol/automatons.js";
import type { Project, Task } from "../../../src/protocol/projects.js";
import type { ProjectsApi } from "../api/projects-api.js";
import { AutomatonEvents, addEvent, type EventLine } from "./automaton-events.js";
import { projectHref } from "./project-route.js";
import { allowedCommands, BOARD_COLUMNS, taskBoard } from "./task-board.js";
import "./projects.css";

/** How often the board and the dev loop's status are read again while the page is open. */
const REFRESH_MS = 3000;

const COMMAND_LABEL: Record<AutomatonCommand, string> = {
  pause: "Pause",
  resume: "Resume",
  stop: "Stop",
};

/**
 * One project: its tasks as a board by status, and its dev loop (start, pause, resume, stop)
 * with the loop's live events from `/stream/automaton/:id`.
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
  const [loop, setLoop] = useState<AutomatonView | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    try {
      const [p, t] = await Promise.all([api.get(projectId), api.tasks(projectId)]);
      setProject(p);
      setTasks(t);
      if (p.dev_loop_automaton_id) setLoop(await api.automaton(p.dev_loop_automaton_id));
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [projectId]);

  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await what();
      await load();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const board = taskBoard(tasks ?? []);
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
              onClick={() => act(() => api.startDevLoop(projectId))}
            >
              Start dev loop
            </button>
          )}
          {loop &&
            allowedCommands(loop.status).map((command) => (
              <button
                key={command}
                type="button"
                class={command === "stop" ? "quiet" : undefined}
                disabled={busy}
                onClick={() => act(() => api.control(loop.automaton_id, command))}
              >
                {COMMAND_LABEL[command]}
              </button>
            ))}
        </div>
        {loop && (
          <LoopEvents key={loop.automaton_id} automatonId={loop.automaton_id} token={token} />
        )}
      </section>
      <section aria-labelledby="board-title">
        <h2 id="board-title">Tasks</h2>
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
                    <li key={task.id} class="card task-card" aria-label={`Task ${task.title}`}>
                      <strong>{task.title}</strong>
                      {task.description && <p class="muted">{task.description}</p>}
                      {task.attempts > 0 && (
                        <span class="muted">
                          {task.attempts} {task.attempts === 1 ? "attempt" : "attempts"}
                        </span>
                      )}
                    </li>
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

/** The dev loop's events, live, replayed from its start. */
function LoopEvents({ automatonId, token }: { automatonId: string; token: string }) {
  const [lines, setLines] = useState<EventLine[]>([]);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const events = new AutomatonEvents(
      automatonId,
      token,
      (event) => setLines((now) => addEvent(now, event)),
      setLive,
    );
    return () => events.close();
  }, [automatonId, token]);
  return (
    <div>
      <h3>
        Events <span class="muted">{live ? "live" : "not connected"}</span>
      </h3>
      <ol class="loop-events" aria-label="Dev loop events">
        {lines.map((line, i) => (
          <li key={`${line.seq}-${i}`}>
            <span class="mono">#{line.seq}</span> <strong>{line.type}</strong> {line.text}
          </li>
        ))}
      </ol>
    </div>
  );
}
