import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIfStale, startChildApp } from '../support/childApp';
import { Harness } from '../support/harness';
import { sendSlashCommand } from '../support/slackRequest';

const PAGE = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';

async function runEntry(env: NodeJS.ProcessEnv, cwd: string) {
  const app = startChildApp(env, cwd);
  const { code } = await app.exited;
  return { code, stderr: app.output() };
}

describe('start-up', () => {
  beforeAll(buildIfStale, 60_000);

  test('with no .env it exits 1 naming every missing setting, without a stack trace', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-empty-'));
    const result = await runEntry({}, cwd);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SLACK_BOT_TOKEN is missing');
    expect(result.stderr).toContain('SLACK_SIGNING_SECRET is missing');
    expect(result.stderr).toContain('.env');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  test('a bot token Slack refuses stops start-up with a clear message', async () => {
    const h = new Harness();
    await Promise.all([h.slack.start(), h.notion.start()]);
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-badtoken-'));
    const result = await runEntry(
      {
        SLACK_BOT_TOKEN: 'xoxb-not-the-right-one',
        SLACK_SIGNING_SECRET: 'whatever',
        SLACK_API_URL: h.slack.apiUrl,
        DATABASE_URL: `file:${path.join(cwd, 'db.sqlite')}`,
        PORT: '0',
      },
      cwd,
    );
    await h.stop();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Slack refused SLACK_BOT_TOKEN (invalid_auth)');
    expect(result.stderr).not.toContain('xoxb-not-the-right-one');
    fs.rmSync(cwd, { recursive: true, force: true });
  });
});

describe('running app', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness().start();
    h.notion.addPage({ id: PAGE, title: 'Roadmap', sharedWith: [h.notionToken] });
  });
  afterEach(async () => {
    await h.stop();
  });

  test('GET /healthz is 200 with JSON while the database is open, 503 once stopping', async () => {
    const ok = await fetch(`${h.appUrl}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', database: true });
    await h.bot?.store.close();
    const down = await fetch(`${h.appUrl}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable' });
  });

  test('requests with a forged or stale signature are rejected and nothing is posted', async () => {
    const base = { text: PAGE, responseUrl: h.slack.responseUrl() };
    const forged = await sendSlashCommand(h.appUrl, h.signingSecret, base, {
      signature: `v0=${'0'.repeat(64)}`,
    });
    const stale = await sendSlashCommand(h.appUrl, h.signingSecret, base, {
      timestamp: Math.floor(Date.now() / 1000) - 10 * 60,
    });
    const wrongSecret = await sendSlashCommand(h.appUrl, 'not-the-secret', base);
    expect([forged.status, stale.status, wrongSecret.status]).toEqual([401, 401, 401]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.notion.requests).toHaveLength(0);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  test('a graceful stop finishes the check in flight before closing the store', async () => {
    h.notion.fault({ fault: { kind: 'hold' } });
    const seen = h.notion.waitForRequest(() => true);
    await sendSlashCommand(h.appUrl, h.signingSecret, {
      text: PAGE,
      responseUrl: h.slack.responseUrl(),
    });
    await seen;
    const stopping = h.bot?.stop(10_000);
    // New requests are refused while the old one finishes.
    await expect(fetch(`${h.appUrl}/healthz`)).rejects.toThrow();
    h.notion.clearFaults();
    h.notion.releaseHeld();
    await stopping;
    h.bot = undefined;
    const report = h.slack.callsTo('chat.postMessage').find((call) => !call.body.thread_ts);
    expect(JSON.stringify(report?.body.blocks)).toContain('Roadmap');
  });
});
