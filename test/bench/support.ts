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
