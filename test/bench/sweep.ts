/**
 * `npm run bench:sweep`: one monitor sweep of 300 watches on one token at production pacing,
 * against the fake Notion with Notion's documented limit (30 requests in any 10 s). Prints the
 * duration, the request rate and the busiest 1 s and 10 s windows. Takes about 100 s.
 */
import { SLACK_IDS } from '../fakes/fakeSlack';
import { Harness } from '../support/harness';

const WATCHES = 300;

function busiest(times: number[], windowMs: number): number {
  let worst = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start++;
    worst = Math.max(worst, end - start + 1);
  }
  return worst;
}

async function main(): Promise<void> {
  const h = await new Harness({ env: { CHECK_INTERVAL: '1h', LOG_LEVEL: 'warn' } }).start();
  try {
    h.notion.setRateLimit({ limit: 30, windowMs: 10_000 });
    const repo = h.bot?.services.store.watches;
    if (!repo) throw new Error('app not started');
    for (let i = 0; i < WATCHES; i++) {
      const hex = `${i.toString(16).padStart(8, '0')}aaaa4bbb8ccc${'d'.repeat(12)}`;
      h.notion.addPage({ id: hex, title: `Page ${i}`, sharedWith: [h.notionToken] });
      const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      repo.add({
        channelId: SLACK_IDS.channelId,
        connection: 'default',
        resourceId: id,
        resourceType: 'page',
        title: `Page ${i}`,
        url: undefined,
        addedBy: SLACK_IDS.userId,
        addedAt: Date.now(),
        status: { state: 'ok', since: Date.now() },
      });
    }
    h.notion.reset();
    const started = Date.now();
    await h.bot?.monitor.sweep('default');
    const seconds = (Date.now() - started) / 1000;
    const times = h.notion.requests.map((r) => r.at).sort((a, b) => a - b);
    const checked = repo.forConnection('default').filter((w) => w.lastKind === 'ok').length;
    console.log(`watches            ${WATCHES} (checked ok: ${checked})`);
    console.log(`requests           ${times.length} (429s: ${h.notion.rateLimited})`);
    console.log(`sweep duration     ${seconds.toFixed(1)} s`);
    console.log(`average rate       ${(times.length / seconds).toFixed(2)} requests/s`);
    console.log(`busiest 1 s        ${busiest(times, 1_000)} requests`);
    console.log(`busiest 10 s       ${busiest(times, 10_000)} requests (limit 30)`);
  } finally {
    await h.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
