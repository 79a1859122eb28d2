import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
export function clockTicksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (Number.isInteger(value) && value > 0) return value;
  } catch {
    // getconf missing: every Linux we run on uses 100.
  }
  return 100;
}

/** Fields after the ")" that closes the command name, which may itself hold spaces or parentheses. */
function statFields(pid: number): string[] | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU ticks a process has used: its own user+system time plus that of children it has reaped,
 * so short-lived helpers it spawns (nvidia-smi, docker) count against it too.
 */
export function cpuTicks(pid: number): number | null {
  const f = statFields(pid);
  if (!f) return null;
  // After the command name: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17); f[0] is field 3.
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}

function parentOf(pid: number): number | null {
  const f = statFields(pid);
  return f ? Number(f[1]) : null;
}

/** The process and every live descendant. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const ppid = parentOf(pid);
    if (ppid === null) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Resident memory in bytes (VmRSS), or null when the process is gone. */
export function rssBytes(pid: number): number | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(text);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Resident memory of a process and its live descendants. */
export function treeRssBytes(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0);
}

/** Live CPU ticks of a whole tree (descendants not yet reaped are added separately). */
export function treeCpuTicks(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + (cpuTicks(pid) ?? 0), 0);
}

/** The short command name of a process (/proc/<pid>/comm). */
export function commandName(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}
