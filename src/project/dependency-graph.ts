/** The dependency edges of tasks: each task id with the ids it waits for. */
export type DependencyGraph = ReadonlyMap<string, readonly string[]>;

/**
 * The dependency ids that name no task of the graph, in the order given.
 *
 * @example
 * unknownDependencies(["a", "zz"], new Map([["a", []]])); // ["zz"]
 */
export function unknownDependencies(ids: readonly string[], graph: DependencyGraph): string[] {
  return ids.filter((id) => !graph.has(id));
}

/**
 * A dependency cycle of the graph, if there is one, as the path that closes it: the first id
 * is repeated at the end (`["a", "b", "a"]`: a waits for b, which waits for a). Depth-first
 * without recursion, so a long chain cannot overflow the stack. Ids absent from the graph are
 * leaves.
 *
 * @example
 * findCycle(new Map([["a", ["b"]], ["b", ["a"]]])); // ["a", "b", "a"]
 * findCycle(new Map([["a", ["b"]], ["b", []]])); // undefined
 */
export function findCycle(graph: DependencyGraph): string[] | undefined {
  const done = new Set<string>();
  for (const start of graph.keys()) {
    if (done.has(start)) continue;
    const path: string[] = [start];
    const onPath = new Set<string>([start]);
    const cursors: number[] = [0];
    while (path.length > 0) {
      const node = path[path.length - 1] as string;
      const deps = graph.get(node) ?? [];
      const index = cursors[cursors.length - 1] as number;
      if (index >= deps.length) {
        done.add(node);
        onPath.delete(node);
        path.pop();
        cursors.pop();
        continue;
      }
      cursors[cursors.length - 1] = index + 1;
      const next = deps[index] as string;
      if (onPath.has(next)) return [...path.slice(path.indexOf(next)), next];
      if (done.has(next) || !graph.has(next)) continue;
      path.push(next);
      onPath.add(next);
      cursors.push(0);
    }
  }
  return undefined;
}

/**
 * The ids of the tasks that wait for `id`, in graph order.
 *
 * @example
 * dependantsOf("a", new Map([["a", []], ["b", ["a"]]])); // ["b"]
 */
export function dependantsOf(id: string, graph: DependencyGraph): string[] {
  const out: string[] = [];
  for (const [task, deps] of graph) if (deps.includes(id)) out.push(task);
  return out;
}
