// CPU accounting for benchmarked processes: utime+stime from /proc/<pid>/stat, summed over the process
// tree (a server may fork helpers), so a run's CPU is the difference of two samples.
import { readFileSync, readdirSync } from 'node:fs';

const clockTicksPerSecond = 100; // USER_HZ on Linux

interface ProcStat {
  pid: number;
  ppid: number;
  ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields after it start past the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); ppid is field 4, utime field 14, stime field 15.
  return { pid, ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
}

/** CPU seconds used so far by `pid` and all its live descendants. */
export function cpuSeconds(pid: number): number {
  const all: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) all.push(s);
  }
  const children = new Map<number, ProcStat[]>();
  for (const s of all) {
    const list = children.get(s.ppid) ?? [];
    list.push(s);
    children.set(s.ppid, list);
  }
  const root = all.find((s) => s.pid === pid);
  if (!root) return 0;
  let ticks = 0;
  const stack = [root];
  while (stack.length > 0) {
    const s = stack.pop() as ProcStat;
    ticks += s.ticks;
    stack.push(...(children.get(s.pid) ?? []));
  }
  return ticks / clockTicksPerSecond;
}

/** CPU seconds used so far by one thread of a process (`tid` = `pid` is its main thread); 0 once it is gone. */
export function threadCpuSeconds(pid: number, tid = pid): number {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / clockTicksPerSecond;
}
