/**
 * Signals and crashes, with the app as a real child process (`dist/src/index.js`) against the
 * fakes in this process: SIGTERM finishes in-flight work, SIGKILL leaves a consistent database
 * and the next start resumes the schedule.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Store } from '../../src/store/store';
import { FakeNotion } from '../fakes/fakeNotion';
import { FakeSlack } from '../fakes/fakeSlack';
import {
  buildIfStale,
  type ChildApp,
  seededPageId,
  seedWatches,
  startChildApp,
} from '../support/childApp';
import { fakeNotionToken } from '../support/harness';
import { sendSlashCommand } from '../support/slackRequest';

const WATCHES = 12;
const token = fakeNotionToken('child');
const secret = randomBytes(16).toString('hex');
let slack: FakeSlack;
let notion: FakeNotion;
let dir: string;
let dbFile: string;
let running: ChildApp | undefined;

function env(): NodeJS.ProcessEnv {
  return {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: slack.apiUrl,
    NOTION_API_URL: notion.url,
    NOTION_TOKEN: token,
    DATABASE_URL: `file:${dbFile}`,
    PORT: '0',
    CHECK_INTERVAL: '2s',
  };
}

function sweepState() {
  const db = new Database(dbFile, { readonly: true });
  try {
    const health = db.prepare('SELECT last_sweep_at AS lastSweepAt FROM connection_health').get() as
      | { lastSweepAt: number }
      | undefined;
    const checked = db
      .prepare('SELECT COUNT(*) AS n FROM watches WHERE last_checked_at > added_at')
      .get() as { n: number };
    const integrity = db.pragma('integrity_check', { simple: true });
    return { lastSweepAt: health?.lastSweepAt, checked: checked.n, integrity };
  } finally {
    db.close();
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(buildIfStale, 60_000);

beforeEach(async () => {
  slack = new FakeSlack();
  notion = new FakeNotion();
  await Promise.all([slack.start(), notion.start()]);
  notion.addIntegration({ token, name: 'Zapier Sync', workspaceName: 'Acme' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-child-'));
  dbFile = path.join(dir, 'db.sqlite');
  const store = new Store(dbFile);
  await seedWatches(store, notion, token, WATCHES);
  await store.close();
  // Each page answers slowly, so a sweep of them is surely in flight when the signal comes.
  notion.fault({ match: { pathPrefix: '/v1/pages' }, fault: { kind: 'delay', ms: 300 } });
});

afterEach(async () => {
  running?.child.kill('SIGKILL');
  await running?.exited;
  running = undefined;
  await Promise.all([slack.stop(), notion.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('SIGKILL mid-sweep leaves a consistent database; the next start resumes the schedule', async () => {
  running = startChildApp(env(), dir);
  await notion.waitForRequest((r) => r.path.startsWith('/v1/pages'), 15_000);
  running.child.kill('SIGKILL');
  expect((await running.exited).signal).toBe('SIGKILL');

  const afterCrash = sweepState();
  expect(afterCrash.integrity).toBe('ok');
  // The interrupted sweep saved nothing half-way: no watch carries its results.
  expect(afterCrash.lastSweepAt).toBeUndefined();
  expect(afterCrash.checked).toBe(0);

  notion.reset();
  running = startChildApp(env(), dir);
  await waitUntil(() => sweepState().checked === WATCHES, 30_000, 'a complete sweep');
  expect(sweepState().lastSweepAt).toBeGreaterThan(0);
  expect(notion.requests.filter((r) => r.path === '/v1/users/me').length).toBeGreaterThan(0);
});

test('SIGTERM mid-sweep finishes the sweep, then exits 0', async () => {
  running = startChildApp(env(), dir);
  await notion.waitForRequest((r) => r.path.startsWith('/v1/pages'), 15_000);
  running.child.kill('SIGTERM');
  const exit = await running.exited;
  expect(exit.code).toBe(0);
  expect(running.output()).toContain('stopping');
  const state = sweepState();
  expect(state.integrity).toBe('ok');
  expect(state.checked).toBe(WATCHES);
  expect(state.lastSweepAt).toBeGreaterThan(0);
});

test('SIGTERM while a slash command is being answered: the report is still posted', async () => {
  notion.clearFaults();
  notion.fault({ match: { pathPrefix: '/v1/users/me' }, fault: { kind: 'hold' } });
  running = startChildApp({ ...env(), CHECK_INTERVAL: '1h' }, dir);
  const port = await running.port;
  const ack = await sendSlashCommand(`http://127.0.0.1:${port}`, secret, {
    text: seededPageId(1),
    responseUrl: slack.responseUrl('cmd'),
  });
  expect(ack.status).toBe(200);
  await notion.waitForRequest((r) => r.path === '/v1/users/me' && r.status === null, 10_000);
  running.child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 300));
  notion.clearFaults();
  notion.releaseHeld();
  expect((await running.exited).code).toBe(0);
  const report = slack.callsTo('chat.postMessage').find((call) => !call.body.thread_ts);
  expect(JSON.stringify(report?.body.blocks)).toContain('Page 1');
});
