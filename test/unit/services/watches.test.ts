/**
 * WatchService (src/services/watches.ts): a channel's watch list in a real in-memory Store,
 * with the page checks scripted.
 */
import { extractNotionId } from '@notionhq/client';
import type { Diagnosis } from '../../../src/domain/diagnosis';
import { diagnosisOf } from '../../../src/domain/diagnosis';
import {
  MAX_WATCHES_PER_CHANNEL,
  MAX_WATCHES_PER_USER,
  MAX_WATCHES_PER_WORKSPACE,
  passedWatchCap,
} from '../../../src/domain/watch';
import { WatchService } from '../../../src/services/watches';
import { Store } from '../../../src/store/store';
import { FakeClock, ScriptedChecks } from '../../support/fakes';
import {
  CHANNEL,
  checkRun,
  failedTokenRun,
  newWatch,
  OTHER_USER,
  pageId,
  pageUrl,
  resource,
  T0,
  USER,
} from '../../support/fixtures';

/** A page's id as Notion answers it, and as watches keep it: dashed. */
const notionId = (index: number) => extractNotionId(pageId(index)) as string;

/** Page `index` as the check answers it. */
const checked = (index: number, result?: Diagnosis) =>
  resource(index, result, { id: notionId(index) });

/** A watch of page `index` already in the store. */
const watched = (index: number) => newWatch(index, { resourceId: notionId(index) });

/**
 * `count` watches of pages `first`… in `channelId`, added by ten teammates in turn (none of
 * them near the per-person cap), or all by `addedBy`.
 */
async function fill(
  store: Store,
  count: number,
  options: { channelId?: string; first?: number; addedBy?: string } = {},
) {
  const first = options.first ?? 1;
  const rows = Array.from({ length: count }, (_, offset) => {
    const index = first + offset;
    return newWatch(index, {
      resourceId: notionId(index),
      channelId: options.channelId ?? CHANNEL,
      addedBy: options.addedBy ?? `U0TEAM00${index % 10}`,
    });
  });
  await store.transaction(async (tx) => {
    for (const row of rows) await tx.watches.add(row);
  });
}

function setup() {
  const store = new Store(':memory:');
  const checks = new ScriptedChecks();
  const clock = new FakeClock();
  const service = new WatchService({ store, checks: checks.service, now: clock.now });
  return { store, checks, clock, service };
}

describe('WatchService.watch', () => {
  it('adds every page it could check, each in the state its first check found', async () => {
    const { store, checks, service } = setup();
    const run = checkRun({
      resources: [checked(1), checked(2, diagnosisOf('not_shared', { requestId: 'req-2' }))],
    });
    checks.answer(run);

    const outcome = await service.watch(CHANNEL, USER, [pageUrl(1), pageUrl(2)], 'default');

    expect(outcome).toEqual({ ok: true, run, added: run.resources, existing: [] });
    expect(checks.requests).toEqual([
      {
        connection: 'default',
        targets: [pageUrl(1), pageUrl(2)],
        channelId: CHANNEL,
        userId: USER,
      },
    ]);
    expect(await store.watches.inChannel(CHANNEL)).toMatchObject([
      {
        resourceId: notionId(1),
        title: 'Page 1',
        addedBy: USER,
        addedAt: T0,
        status: { state: 'ok', since: T0 },
      },
      {
        resourceId: notionId(2),
        addedBy: USER,
        status: { state: 'suspect', since: T0, kind: 'not_shared', requestId: 'req-2' },
      },
    ]);
    expect(await service.targets(CHANNEL, 'default')).toEqual([notionId(1), notionId(2)]);
  });

  it('reports pages the channel already watches as existing, without adding them twice', async () => {
    const { store, checks, service } = setup();
    await store.watches.add(watched(1));
    checks.answer(checkRun({ resources: [checked(1), checked(2)] }));

    const outcome = await service.watch(CHANNEL, OTHER_USER, [pageUrl(1), pageUrl(2)], 'default');

    expect(outcome).toMatchObject({ ok: true, added: [checked(2)], existing: [checked(1)] });
    expect(
      (await store.watches.inChannel(CHANNEL)).map((watch) => [watch.resourceId, watch.addedBy]),
    ).toEqual([
      [notionId(1), USER],
      [notionId(2), OTHER_USER],
    ]);
  });

  it('skips what is not a Notion link or id', async () => {
    const { store, checks, service } = setup();
    const invalid = {
      input: 'roadmap please',
      type: 'unknown' as const,
      inTrash: false,
      diagnosis: diagnosisOf('invalid_input'),
    };
    checks.answer(checkRun({ resources: [invalid, checked(1)] }));

    const outcome = await service.watch(CHANNEL, USER, ['roadmap please', pageUrl(1)], 'default');

    expect(outcome).toMatchObject({ ok: true, added: [checked(1)], existing: [] });
    expect(await store.watches.inChannel(CHANNEL)).toHaveLength(1);
  });

  it('with a failing token, adds the pages as ok: the next sweep finds out', async () => {
    const { store, checks, service } = setup();
    const failed = failedTokenRun('token_invalid');
    checks.answer({
      ...failed,
      resources: [
        { input: pageUrl(1), type: 'unknown', inTrash: false, diagnosis: failed.token.diagnosis },
      ],
    });

    const outcome = await service.watch(CHANNEL, USER, [pageUrl(1)], 'default');

    expect(outcome).toMatchObject({ ok: true, added: [{ input: pageUrl(1) }] });
    expect(await store.watches.inChannel(CHANNEL)).toMatchObject([
      { resourceId: notionId(1), status: { state: 'ok', since: T0 } },
    ]);
  });

  it('refuses past the channel limit, with the numbers, before asking Notion', async () => {
    const { store, checks, service } = setup();
    await fill(store, MAX_WATCHES_PER_CHANNEL - 1);

    const outcome = await service.watch(CHANNEL, USER, [pageUrl(500), pageUrl(501)], 'default');

    expect(outcome).toEqual({
      ok: false,
      reason: 'watch_limit',
      scope: 'channel',
      watched: MAX_WATCHES_PER_CHANNEL - 1,
      adding: 2,
      limit: MAX_WATCHES_PER_CHANNEL,
    });
    expect(checks.requests).toEqual([]);
    expect(await store.watches.countInChannel(CHANNEL)).toBe(MAX_WATCHES_PER_CHANNEL - 1);
  });

  it('pages already watched do not count against the limit', async () => {
    const { store, checks, service } = setup();
    await fill(store, MAX_WATCHES_PER_CHANNEL - 1);
    checks.answer(checkRun({ resources: [checked(1), checked(500)] }));

    const outcome = await service.watch(CHANNEL, USER, [pageUrl(1), pageUrl(500)], 'default');

    expect(outcome).toMatchObject({ ok: true, added: [checked(500)], existing: [checked(1)] });
    expect(await store.watches.countInChannel(CHANNEL)).toBe(MAX_WATCHES_PER_CHANNEL);
  });

  it('refuses past the per-person limit, counting their watches in every channel', async () => {
    const { store, checks, service } = setup();
    // Spread over three channels, none of them near its own limit.
    const perChannel = Math.ceil((MAX_WATCHES_PER_USER - 1) / 3);
    for (const [n, channelId] of ['C0ONE', 'C0TWO', 'C0THREE'].entries()) {
      const count = Math.min(perChannel, MAX_WATCHES_PER_USER - 1 - n * perChannel);
      await fill(store, count, { channelId, first: 1 + n * perChannel, addedBy: USER });
    }
    // Someone else's watches never count against this person.
    await fill(store, 30, { first: 1_000, addedBy: OTHER_USER });

    const outcome = await service.watch(CHANNEL, USER, [pageUrl(500), pageUrl(501)], 'default');

    expect(outcome).toEqual({
      ok: false,
      reason: 'watch_limit',
      scope: 'user',
      watched: MAX_WATCHES_PER_USER - 1,
      adding: 2,
      limit: MAX_WATCHES_PER_USER,
    });
    expect(checks.requests).toEqual([]);
    // One more is still fine, for them; any number (within the others) for someone else.
    checks.answer(checkRun({ resources: [checked(500)] }));
    await expect(service.watch(CHANNEL, USER, [pageUrl(500)], 'default')).resolves.toMatchObject({
      ok: true,
    });
    checks.answer(checkRun({ resources: [checked(501), checked(502)] }));
    await expect(
      service.watch(CHANNEL, OTHER_USER, [pageUrl(501), pageUrl(502)], 'default'),
    ).resolves.toMatchObject({ ok: true });
  });

  it('refuses past the workspace limit, counting every channel and person', async () => {
    const { store, checks, service } = setup();
    // Every channel and person well under their own limits: 40 per person, 100 per channel.
    const people = 50;
    for (let n = 0; n * 100 < MAX_WATCHES_PER_WORKSPACE - 1; n++) {
      const count = Math.min(100, MAX_WATCHES_PER_WORKSPACE - 1 - n * 100);
      const rows = Array.from({ length: count }, (_, offset) => {
        const index = 1 + n * 100 + offset;
        return newWatch(index, {
          resourceId: notionId(index),
          channelId: `C0CH${n}`,
          addedBy: `U0P${index % people}`,
        });
      });
      await store.transaction(async (tx) => {
        for (const row of rows) await tx.watches.add(row);
      });
    }
    expect(passedWatchCap(await store.watches.counts('C0NEW', 'U0NEW'), 1)).toBeUndefined();

    const outcome = await service.watch(
      'C0NEW',
      'U0NEW',
      [pageUrl(5_000), pageUrl(5_001)],
      'default',
    );

    expect(outcome).toEqual({
      ok: false,
      reason: 'watch_limit',
      scope: 'workspace',
      watched: MAX_WATCHES_PER_WORKSPACE - 1,
      adding: 2,
      limit: MAX_WATCHES_PER_WORKSPACE,
    });
    expect(checks.requests).toEqual([]);
    expect(await store.watches.counts('C0NEW', 'U0NEW')).toEqual({
      channel: 0,
      user: 0,
      workspace: MAX_WATCHES_PER_WORKSPACE - 1,
    });
  });

  it('counts again when adding: watches added while the check ran cannot pass a cap', async () => {
    const { store, checks, service } = setup();
    await fill(store, MAX_WATCHES_PER_USER - 2, { addedBy: USER });
    const running = checks.hold();

    const first = service.watch(CHANNEL, USER, [pageUrl(500), pageUrl(501)], 'default');
    // Meanwhile the same person adds one elsewhere (another command, another channel).
    await store.watches.add(newWatch(600, { resourceId: notionId(600), channelId: 'C0ELSE' }));
    running.release(checkRun({ resources: [checked(500), checked(501)] }));

    await expect(first).resolves.toEqual({
      ok: false,
      reason: 'watch_limit',
      scope: 'user',
      watched: MAX_WATCHES_PER_USER - 1,
      adding: 2,
      limit: MAX_WATCHES_PER_USER,
    });
    expect((await store.watches.counts(CHANNEL, USER)).user).toBe(MAX_WATCHES_PER_USER - 1);
  });

  it('watching only pages already watched is never refused, even at a limit', async () => {
    const { store, checks, service } = setup();
    await fill(store, MAX_WATCHES_PER_USER, { addedBy: USER });
    checks.answer(checkRun({ resources: [checked(1)] }));

    const outcome = await service.watch(CHANNEL, USER, [pageUrl(1)], 'default');

    expect(outcome).toMatchObject({ ok: true, added: [], existing: [checked(1)] });
  });
});

describe('WatchService.unwatch', () => {
  /** A channel watching page 1, added by USER; `isAdmin` records whether it was asked. */
  async function watching() {
    const context = setup();
    await context.store.watches.add(watched(1));
    const isAdmin = jest.fn(async () => false);
    return { ...context, isAdmin };
  }

  it('whoever added it may remove it', async () => {
    const { store, service, isAdmin } = await watching();

    const outcome = await service.unwatch(CHANNEL, pageUrl(1), USER, isAdmin);

    expect(outcome).toMatchObject({
      ok: true,
      removed: { resourceId: notionId(1), addedBy: USER },
    });
    expect(await store.watches.inChannel(CHANNEL)).toEqual([]);
    expect(isAdmin).not.toHaveBeenCalled();
  });

  it('someone else who is not an admin is refused, with the owner named', async () => {
    const { store, service, isAdmin } = await watching();

    const outcome = await service.unwatch(CHANNEL, pageId(1), OTHER_USER, isAdmin);

    expect(outcome).toEqual({ ok: false, reason: 'not_owner', owner: USER });
    expect(isAdmin).toHaveBeenCalledTimes(1);
    expect(await store.watches.inChannel(CHANNEL)).toHaveLength(1);
  });

  it('an admin may remove anyone’s watch', async () => {
    const { store, service, isAdmin } = await watching();
    isAdmin.mockResolvedValue(true);

    const outcome = await service.unwatch(CHANNEL, pageUrl(1), OTHER_USER, isAdmin);

    expect(outcome).toMatchObject({ ok: true, removed: { resourceId: notionId(1) } });
    expect(await store.watches.inChannel(CHANNEL)).toEqual([]);
  });

  it.each([
    ['a page this channel does not watch', pageUrl(2)],
    ['something that is not a Notion link', 'roadmap'],
  ])('%s: not_watched', async (_, target) => {
    const { store, service, isAdmin } = await watching();

    const outcome = await service.unwatch(CHANNEL, target, USER, isAdmin);

    expect(outcome).toEqual({ ok: false, reason: 'not_watched' });
    expect(await store.watches.inChannel(CHANNEL)).toHaveLength(1);
  });

  it('a page watched in another channel is not this channel’s to remove', async () => {
    const { store, service, isAdmin } = await watching();

    const outcome = await service.unwatch('C0ELSEWHERE', pageUrl(1), USER, isAdmin);

    expect(outcome).toEqual({ ok: false, reason: 'not_watched' });
    expect(await store.watches.inChannel(CHANNEL)).toHaveLength(1);
  });
});
