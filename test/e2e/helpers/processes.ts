import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

/** One row of the process table. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** `Z` for a zombie: exited, waiting to be reaped. */
  state: string;
}

/** A process's command line, its arguments joined by spaces ("" once it has exited). */
export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** The process table, from /proc where there is one, else from `ps`. */
export function listProcesses(): ProcessInfo[] {
  return existsSync("/proc/self/stat") ? fromProc() : fromPs();
}

/** Every process below `rootPid`, found by following parent ids. */
export function descendantsOf(rootPid: number, table = listProcesses()): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  let frontier = [rootPid];
  while (frontier.length > 0) {
    const children = table.filter((p) => frontier.includes(p.ppid));
    found.push(...children);
    frontier = children.map((p) => p.pid);
  }
  return found;
}

/** Processes that still run (zombies have exited) among `pids` or in the groups `pgids`. */
export function stillRunning(
  { pids, pgids }: { pids: number[]; pgids: number[] },
  table = listProcesses(),
): ProcessInfo[] {
  return table.filter((p) => p.state !== "Z" && (pids.includes(p.pid) || pgids.includes(p.pgid)));
}

function fromProc(): ProcessInfo[] {
  const rows: ProcessInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited while listing
    }
    // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
    const [state = "", ppid = "", pgid = ""] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    rows.push({ pid: Number(name), ppid: Number(ppid), pgid: Number(pgid), state });
  }
  return rows;
}

function fromPs(): ProcessInfo[] {
  const out = execFileSync("ps", ["-A", "-o", "pid=,ppid=,pgid=,stat="], { encoding: "utf8" });
  return out
    .trim()
    .split("\n")
    .map((line) => {
      const [pid = "", ppid = "", pgid = "", state = ""] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), state: state.charAt(0) };
    });
}
