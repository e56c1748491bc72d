import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

export const rssMb = (): number => process.memoryUsage.rss() / 1024 / 1024;

// RSS of the settled process. After a burst V8 keeps its grown heap (garbage and free pages, 60+
// MB here) until its memory reducer runs; gc() alone gives nothing back. The reducer starts 8 s
// after a full GC finds the old generation 10 MB bigger than at its last run, and retries every
// 8 s until allocation is low: a ballast that lives through one GC sets it going.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export async function settledRssMb(): Promise<number> {
  const ballast = Array.from({ length: 300_000 }, (_, i) => ({ i }));
  gc();
  ballast.length = 0;
  gc();
  // Settled once the heap is back near its live size (or after a minute).
  for (let waited = 0; waited < 60_000; waited += 500) {
    const { heapTotal, heapUsed } = process.memoryUsage();
    if (heapTotal < 1.5 * heapUsed) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return rssMb();
}

/** Prints each target as PASS/FAIL; true when all passed. */
export function verdict(targets: [label: string, ok: boolean][]): boolean {
  for (const [label, ok] of targets) console.log(`${ok ? 'PASS' : 'FAIL'}  ${label}`);
  return targets.every(([, ok]) => ok);
}

/** Runs a bench: exit 0 when it met its targets, 1 when not or when it failed. */
export function runBench(main: () => Promise<boolean>): void {
  main()
    .then((passed) => {
      process.exitCode = passed ? 0 : 1;
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}

/** The middle value (the mean of the two middle ones for an even count); NaN when empty. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Another process's memory from /proc/<pid>/status, in MB: VmRSS now, VmHWM its peak so far. */
export function procMemoryMb(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * CPU time (user + system) another process has used so far, in ms, from /proc/<pid>/stat; with
 * `tid`, only that thread's, from /proc/<pid>/task/<tid>/stat.
 */
export function procCpuMs(pid: number, tid?: number): number {
  const file = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
  const stat = fs.readFileSync(file, 'utf8');
  // The fields after "(comm)": state is field 3, utime 14 and stime 15, in USER_HZ (100) ticks.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time this process has used so far, in ms. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU time of this process's main thread (its event loop) so far, in ms, from
 * /proc/self/task/<pid>/stat: without worker threads, unlike process.cpuUsage().
 */
export function mainThreadCpuMs(): number {
  return procCpuMs(process.pid, process.pid);
}
