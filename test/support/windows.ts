/**
 * The most of `times` (ms, any order) within any window of `windowMs`: Notion's rule ("about 3
 * per second") as the fake Notion counts it, for benches and pacing tests.
 */
export function busiest(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start++;
    worst = Math.max(worst, end - start + 1);
  }
  return worst;
}
