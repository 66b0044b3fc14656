import { readdir } from "node:fs/promises";
import path from "node:path";
import type { FileEntry } from "../../../src/protocol/sandbox.js";
import { byCodePoint } from "./code-point-order.js";

/** Directories the files tree never shows: build output and vendored dependencies. */
export const TREE_SKIP_DIRS: ReadonlySet<string> = new Set([
  "node_modules",
  "target",
  "dist",
  "build",
  "vendor",
  "__pycache__",
]);
/** Deepest `depth` accepted; larger values are clamped. */
export const MAX_TREE_DEPTH = 20;
/** Most entries one tree holds, so a huge workspace cannot produce an unbounded reply. */
export const MAX_TREE_ENTRIES = 10_000;

/**
 * The files tree under `dir` (absolute, inside the workspace `root`): directories first, each
 * group in code-point order, `path` workspace-relative. Dot-files and {@link TREE_SKIP_DIRS}
 * are left out and symbolic links are listed but never entered. `depth` 0 lists `dir`'s own
 * entries; each level more adds `children` one level deeper. At most
 * {@link MAX_TREE_ENTRIES} entries are returned in all.
 *
 * @example
 * await fileTree(workspace.root, workspace.root, 1);
 * // [{ name: "src", path: "src", is_dir: true, children: [{ name: "a.ts", … }] }, …]
 */
export async function fileTree(root: string, dir: string, depth: number): Promise<FileEntry[]> {
  const budget = { left: MAX_TREE_ENTRIES };
  return level(root, dir, Math.max(0, Math.min(depth, MAX_TREE_DEPTH)), budget);
}

async function level(
  root: string,
  dir: string,
  depth: number,
  budget: { left: number },
): Promise<FileEntry[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const shown = entries
    .filter((e) => !e.name.startsWith(".") && !(e.isDirectory() && TREE_SKIP_DIRS.has(e.name)))
    .sort((a, b) =>
      a.isDirectory() === b.isDirectory() ? byCodePoint(a.name, b.name) : a.isDirectory() ? -1 : 1,
    );
  const out: FileEntry[] = [];
  for (const entry of shown) {
    if (budget.left <= 0) break;
    budget.left--;
    const abs = path.join(dir, entry.name);
    const node: FileEntry = {
      name: entry.name,
      path: path.relative(root, abs).split(path.sep).join("/"),
      is_dir: entry.isDirectory(),
    };
    if (node.is_dir && depth > 0) {
      node.children = await level(root, abs, depth - 1, budget).catch(() => []);
    }
    out.push(node);
  }
  return out;
}
