import { readdirSync, readFileSync } from "node:fs";

/** Kernel clock ticks per second (`getconf CLK_TCK`); 100 on every mainstream Linux. */
const TICKS_PER_SECOND = 100;

/**
 * Fields of `/proc/<pid>/stat` after the `(comm)` field, which may itself contain spaces.
 * @param {number} pid
 * @returns {{ comm: string, rest: string[] } | undefined}
 */
function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    return {
      comm: text.slice(text.indexOf("(") + 1, close),
      rest: text.slice(close + 2).split(" "),
    };
  } catch {
    return undefined;
  }
}

/**
 * The ids of this process's direct children named `comm` (Linux only; empty elsewhere).
 *
 * @example
 * childPids("workerd"); // [41237]
 * @param {string} comm
 * @returns {number[]}
 */
export function childPids(comm) {
  let entries;
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  return entries
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      const stat = readStat(pid);
      return stat?.comm === comm && Number(stat.rest[1]) === process.pid;
    });
}

/**
 * CPU time (user + system, all threads) a process has used so far, in milliseconds;
 * undefined when it cannot be read. Unlike wall-clock throughput, it hardly moves when
 * other processes compete for the CPUs, which makes it the steadier measure of cost.
 *
 * @example
 * const before = cpuMs(pid); … ; const used = cpuMs(pid) - before;
 * @param {number | undefined} pid
 * @returns {number | undefined}
 */
export function cpuMs(pid) {
  if (pid === undefined) return undefined;
  const stat = readStat(pid);
  if (!stat) return undefined;
  // utime and stime are fields 14 and 15 of the line, i.e. 12 and 13 after `(comm)`.
  const ticks = Number(stat.rest[11]) + Number(stat.rest[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
}

/**
 * CPU time (ms) the kernel's own threads (children of `kthreadd`, pid 2) have used so far;
 * undefined off Linux. On a bench that writes to disk this is mostly the block-I/O and
 * filesystem workers doing the Workers' writes, not competition from other programs.
 *
 * @example
 * const before = kernelThreadsCpuMs(); … ; const used = kernelThreadsCpuMs() - before;
 * @returns {number | undefined}
 */
export function kernelThreadsCpuMs() {
  let entries;
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat || (entry !== "2" && stat.rest[1] !== "2")) continue;
    ticks += Number(stat.rest[11]) + Number(stat.rest[12]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * Resident memory of a process in MiB, from `/proc/<pid>/status` (`VmRSS`); undefined when it
 * cannot be read.
 *
 * @example
 * rssMiB(workerdPid); // 182.4
 * @param {number | undefined} pid
 * @returns {number | undefined}
 */
export function rssMiB(pid) {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
