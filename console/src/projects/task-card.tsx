import { useState } from "preact/hooks";
import type { Task, TaskStatus } from "../../../src/protocol/projects.js";
import type { ProjectsApi } from "../api/projects-api.js";
import { errorText } from "./error-text.js";
import { moveTargets } from "./task-board.js";

/**
 * One task on the board: its title, description and attempts, and what can be done to it —
 * **Edit** (title and description, `PATCH`), **Move** to another status (the server's refusal
 * shows on the card), **Run task** (a `task-run`) and **Delete** (asked twice).
 */
export function TaskCard({
  api,
  projectId,
  task,
  onChanged,
}: {
  api: ProjectsApi;
  projectId: string;
  task: Task;
  onChanged: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description);
  const targets = moveTargets(task.status);
  const [moveTo, setMoveTo] = useState<TaskStatus>(targets[0]?.status ?? "ready");
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const act = async (what: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await what();
      if (done) setNotice(done);
      onChanged();
      return true;
    } catch (err) {
      setError(errorText(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const startEdit = () => {
    setTitle(task.title);
    setDescription(task.description);
    setEditing(true);
  };
  const save = async () => {
    const ok = await act(() =>
      api.updateTask(projectId, task.id, { title: title.trim(), description }),
    );
    if (ok) setEditing(false);
  };
  const target = targets.some((t) => t.status === moveTo) ? moveTo : targets[0]?.status;

  return (
    <li class="card task-card" aria-label={`Task ${task.title}`}>
      {editing ? (
        <form
          class="task-edit"
          aria-label={`Edit task ${task.title}`}
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label>
            Title
            <input
              value={title}
              maxLength={200}
              required
              onInput={(e) => setTitle(e.currentTarget.value)}
            />
          </label>
          <label>
            Description
            <textarea
              value={description}
              rows={3}
              onInput={(e) => setDescription(e.currentTarget.value)}
            />
          </label>
          <div class="actions">
            <button type="submit" disabled={busy || !title.trim()}>
              Save
            </button>
            <button type="button" class="quiet" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <strong>{task.title}</strong>
          {task.description && <p class="muted">{task.description}</p>}
          {task.attempts > 0 && (
            <span class="muted">
              {task.attempts} {task.attempts === 1 ? "attempt" : "attempts"}
            </span>
          )}
        </>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {notice && <output class="muted">{notice}</output>}
      {!editing && (
        <div class="task-tools">
          {target !== undefined && (
            <form
              class="task-move"
              onSubmit={(e) => {
                e.preventDefault();
                void act(() => api.transitionTask(projectId, task.id, target));
              }}
            >
              <label>
                Move to
                <select
                  value={target}
                  onChange={(e) => setMoveTo(e.currentTarget.value as TaskStatus)}
                >
                  {targets.map((t) => (
                    <option key={t.status} value={t.status}>
                      {t.title}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" class="quiet" disabled={busy}>
                Move
              </button>
            </form>
          )}
          <div class="actions">
            <button type="button" class="quiet" disabled={busy} onClick={startEdit}>
              Edit
            </button>
            <button
              type="button"
              class="quiet"
              disabled={busy}
              onClick={() =>
                void act(() => api.startTaskRun(projectId, task.id), "Task run started.")
              }
            >
              Run task
            </button>
            {confirmDelete ? (
              <>
                <button
                  type="button"
                  class="danger"
                  disabled={busy}
                  onClick={() => void act(() => api.deleteTask(projectId, task.id))}
                >
                  Confirm delete
                </button>
                <button type="button" class="quiet" onClick={() => setConfirmDelete(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button
                type="button"
                class="danger"
                disabled={busy}
                onClick={() => setConfirmDelete(true)}
              >
                Delete
              </button>
            )}
          </div>
        </div>
      )}
    </li>
  );
}
