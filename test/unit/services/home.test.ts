/**
 * HomeService (src/services/home.ts) on a real Store, with a scripted Slack directory: what
 * it asks Slack and how long it keeps the answers (membership a minute per viewer, whether a
 * channel is public ten minutes for everyone, permalinks for good; failures never), the
 * connection statuses shared by every viewer for a minute, and the strips from the recorded
 * history.
 */
import { randomBytes } from 'node:crypto';
import type { CheckRun } from '../../../src/domain/check';
import type { ChannelKind } from '../../../src/domain/home';
import { utcDay } from '../../../src/domain/home';
import { createLogger } from '../../../src/logger';
import { ConnectionDirectory } from '../../../src/services/connectionDirectory';
import { Connections } from '../../../src/services/connections';
import {
  CHANNEL_KIND_CACHE_MS,
  HomeService,
  MEMBERSHIP_CACHE_MS,
  OVERVIEW_CACHE_MS,
  type SlackDirectory,
} from '../../../src/services/home';
import { InventoryService } from '../../../src/services/inventory';
import { FakeClock, RecordingNotifier, ScriptedChecks } from '../../support/fakes';
import { alert, checkRun, failedTokenRun, fakeToken, newWatch, T0 } from '../../support/fixtures';
import { LogCapture } from '../../support/harness';
import { useTempStore } from '../../support/tempStore';

const temp = useTempStore('home-service');
const PUBLIC = 'C0PUBLIC1';
const PRIVATE = 'C0PRIVATE';
const VIEWER = 'U0VIEWER1';
const OTHER = 'U0OTHER01';

/** Slack as the service sees it: answers from tables, every call counted, failures on demand. */
class ScriptedSlack implements SlackDirectory {
  readonly calls: string[] = [];
  readonly failing = new Set<string>();
  members = new Map<string, string[]>([[VIEWER, [PRIVATE]]]);
  kinds = new Map<string, ChannelKind>([
    [PUBLIC, 'public'],
    [PRIVATE, 'private'],
  ]);

  private answer<T>(call: string, value: T): T {
    this.calls.push(call);
    if (this.failing.has(call.split(':')[0] ?? '')) throw new Error('internal_error');
    return value;
  }

  async privateChannelsOf(userId: string) {
    return this.answer(`members:${userId}`, this.members.get(userId) ?? []);
  }

  async channelKind(channelId: string) {
    return this.answer(`kind:${channelId}`, this.kinds.get(channelId) ?? 'private');
  }

  async permalink(channelId: string, ts: string) {
    return this.answer(`link:${channelId}`, `https://x.slack.com/archives/${channelId}/p${ts}`);
  }

  count(prefix: string): number {
    return this.calls.filter((call) => call.startsWith(prefix)).length;
  }
}

async function setup(options: { run?: CheckRun } = {}) {
  const { store } = temp;
  const clock = new FakeClock();
  const connections = new Connections(store, {
    notion: { defaultToken: fakeToken('env1'), apiUrl: 'http://notion.invalid' },
    encryptionKey: randomBytes(32),
    previousEncryptionKey: undefined,
  });
  await connections.syncEnvToken(T0);
  const checks = new ScriptedChecks();
  // Every users.me of the overview: the token works.
  for (let i = 0; i < 20; i++) checks.answer(options.run ?? checkRun());
  const logger = createLogger('info', new LogCapture());
  const notifier = new RecordingNotifier();
  const directory = new ConnectionDirectory({
    store,
    connections,
    checks: checks.service,
    notifier,
    logger,
    now: clock.now,
  });
  const inventory = new InventoryService({ store, checks: checks.service, notifier });
  const home = new HomeService({ store, directory, inventory, logger, now: clock.now });
  await store.watches.add(newWatch(1, { channelId: PUBLIC, title: 'Roadmap' }));
  await store.watches.add(newWatch(2, { channelId: PRIVATE, title: 'Payroll' }));
  return { store, clock, checks, connections, home, slack: new ScriptedSlack() };
}

const titles = (home: Awaited<ReturnType<HomeService['homeFor']>>) =>
  home.channels.flatMap((group) => group.watches.map((watch) => watch.title));

describe('who sees what, as Slack says', () => {
  it('a member of the private channel sees both; another viewer only the public one', async () => {
    const { home, slack } = await setup();
    expect(titles(await home.homeFor(VIEWER, false, slack)).sort()).toEqual(['Payroll', 'Roadmap']);
    expect(titles(await home.homeFor(OTHER, false, slack))).toEqual(['Roadmap']);
  });

  it('membership is kept a minute per viewer; channels they are in are never looked up', async () => {
    const { home, slack, clock } = await setup();
    await home.homeFor(VIEWER, false, slack);
    await home.homeFor(VIEWER, false, slack);
    expect(slack.count(`members:${VIEWER}`)).toBe(1);
    expect(slack.count(`kind:${PRIVATE}`)).toBe(0);
    // They left the channel: seen within the minute.
    slack.members.set(VIEWER, []);
    clock.advance(MEMBERSHIP_CACHE_MS);
    expect(titles(await home.homeFor(VIEWER, false, slack))).toEqual(['Roadmap']);
    expect(slack.count(`members:${VIEWER}`)).toBe(2);
  });

  it('whether a channel is public is kept ten minutes, for every viewer', async () => {
    const { home, slack, clock } = await setup();
    await home.homeFor(VIEWER, false, slack);
    await home.homeFor(OTHER, false, slack);
    expect(slack.count(`kind:${PUBLIC}`)).toBe(1);
    clock.advance(CHANNEL_KIND_CACHE_MS);
    await home.homeFor(OTHER, false, slack);
    expect(slack.count(`kind:${PUBLIC}`)).toBe(2);
  });

  it('a failed membership lookup hides private channels, says so, and is asked again next time', async () => {
    const { home, slack } = await setup();
    slack.failing.add('members');
    const seen = await home.homeFor(VIEWER, false, slack);
    expect(titles(seen)).toEqual(['Roadmap']);
    expect(seen.unknown).toEqual({ membership: true, channels: false });
    slack.failing.clear();
    const again = await home.homeFor(VIEWER, false, slack);
    expect(titles(again).sort()).toEqual(['Payroll', 'Roadmap']);
    expect(again.unknown).toEqual({ membership: false, channels: false });
  });

  it('a failed channel lookup hides that channel from non-members, and says so', async () => {
    const { home, slack } = await setup();
    slack.failing.add('kind');
    const seen = await home.homeFor(VIEWER, false, slack);
    // The viewer is in the private one: that needs no lookup.
    expect(titles(seen)).toEqual(['Payroll']);
    expect(seen.unknown).toEqual({ membership: false, channels: true });
  });
});

describe('connections', () => {
  it('one overview (a users.me per connection) for every viewer for a minute', async () => {
    const { home, slack, checks, clock } = await setup();
    await home.homeFor(VIEWER, false, slack);
    await home.homeFor(OTHER, false, slack);
    expect(checks.requests).toHaveLength(1);
    clock.advance(OVERVIEW_CACHE_MS);
    await home.homeFor(OTHER, false, slack);
    expect(checks.requests).toHaveLength(2);
  });

  it('a new connection is checked at once', async () => {
    const { home, slack, checks, connections } = await setup();
    await home.homeFor(VIEWER, false, slack);
    await connections.saveFromSlack('reports', fakeToken('rep1'), VIEWER, T0);
    const seen = await home.homeFor(VIEWER, false, slack);
    expect(seen.connections.map((each) => each.name)).toEqual(['default', 'reports']);
    expect(checks.requests).toHaveLength(3);
  });
});

describe('alerts, walkthroughs and strips', () => {
  it('links to the alert message (asked once), not to alerts of channels the viewer cannot see', async () => {
    const { home, slack, store } = await setup();
    await store.alerts.create(
      alert([], { id: 'a0000000000000001', channelId: PUBLIC, postedChannel: PUBLIC }),
    );
    await store.alerts.create(
      alert([], { id: 'a0000000000000002', channelId: PRIVATE, postedChannel: PRIVATE }),
    );
    const seen = await home.homeFor(OTHER, false, slack);
    expect(seen.alerts.shown.map((each) => [each.alert.id, each.link])).toEqual([
      ['a0000000000000001', `https://x.slack.com/archives/${PUBLIC}/p1700000000.000100`],
    ]);
    await home.homeFor(OTHER, false, slack);
    expect(slack.count('link:')).toBe(1);
  });

  it('a permalink Slack would not give: no link, and asked again next time', async () => {
    const { home, slack, store } = await setup();
    await store.alerts.create(alert([], { channelId: PUBLIC, postedChannel: PUBLIC }));
    slack.failing.add('link');
    const seen = await home.homeFor(OTHER, false, slack);
    expect(seen.alerts.shown[0]?.link).toBeUndefined();
    slack.failing.clear();
    expect((await home.homeFor(OTHER, false, slack)).alerts.shown[0]?.link).toBeDefined();
  });

  it('each watch’s strip comes from the recorded check results', async () => {
    const { home, slack, store, clock } = await setup();
    const [roadmap] = await store.watches.inChannel(PUBLIC);
    const at = (daysAgo: number) => (utcDay(clock.now()) - daysAgo) * 86_400_000 + 60_000;
    await store.history.record(
      [
        [2, 'access'],
        [2, 'access'],
        [1, 'ok'],
      ].map(([daysAgo, category]) => ({
        checkedAt: at(Number(daysAgo)),
        connection: 'default',
        target: roadmap?.resourceId ?? '',
        targetType: 'page',
        category: String(category),
        diagnosisKind: 'x',
        durationMs: 1,
      })),
    );
    const seen = await home.homeFor(OTHER, false, slack);
    const strip = [...seen.strips.values()][0];
    expect(strip?.slice(-3)).toEqual(['failing', 'ok', 'none']);
  });

  it('suggests `default` to admins while it has no token', async () => {
    const working = await setup();
    expect((await working.home.homeFor(VIEWER, true, working.slack)).suggestedName).toBeUndefined();
    const missing = await setup({ run: failedTokenRun('token_missing') });
    expect((await missing.home.homeFor(VIEWER, true, missing.slack)).suggestedName).toBe('default');
  });
});
