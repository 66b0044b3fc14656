import { useEffect, useState } from "preact/hooks";
import { AutomatonEvents, addEvent, type EventLine } from "../projects/automaton-events.js";

/**
 * An automaton's events from `/stream/automaton/:id`, replayed from its start and then live,
 * as a list named `label`.
 */
export function AutomatonEventLog({
  automatonId,
  token,
  label,
}: {
  automatonId: string;
  token: string;
  label: string;
}) {
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
      {lines.length === 0 && <p class="empty">No events yet.</p>}
      <ol class="loop-events" aria-label={label}>
        {lines.map((line, i) => (
          <li key={`${line.seq}-${i}`}>
            <span class="mono">#{line.seq}</span> <strong>{line.type}</strong> {line.text}
          </li>
        ))}
      </ol>
    </div>
  );
}
