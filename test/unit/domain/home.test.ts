/**
 * The App Home's rules (src/domain/home.ts): each day's square is the worst state the
 * confirmation rule reached that day; a viewer sees public channels and the private ones they
 * are in, nothing Slack could not tell us about; and a view shows the worst first, the rest
 * counted, with big channels sharing the lines with small ones.
 */

import {
  type ChannelWatches,
  type CheckDay,
  canSee,
  channelsOf,
  cutWatches,
  DAY_MS,
  dayState,
  listed,
  rollUp,
  stripKey,
  stripOf,
  utcDay,
  type Verdict,
  type ViewerChannels,
  verdictOf,
  visibleTo,
  type Workspace,
} from '../../../src/domain/home';
import type { WatchAllSummary } from '../../../src/domain/inventory';
import type { Watch, WatchState } from '../../../src/domain/watch';
import { alert, CHANNEL, pageId, T0, watch } from '../../support/fixtures';

const PUBLIC = 'C0PUBLIC1';
const PRIVATE = 'C0PRIVATE';
const SECRET = 'C0SECRET1';

/** Every verdict in order, all on one day. */
function dayOf(verdicts: Verdict[], previous?: CheckDay, day = 100): CheckDay | undefined {
  return verdicts.reduce<CheckDay | undefined>(
    (current, verdict) => rollUp(current ?? previous, day, verdict),
    undefined,
  );
}

describe('verdicts', () => {
  it.each([
    ['ok', 'ok'],
    ['access', 'lost'],
    ['transient', 'unsure'],
    ['input', 'unsure'],
    ['unexpected', 'unsure'],
  ] as const)('category %s is %s', (category, verdict) => {
    expect(verdictOf(category)).toBe(verdict);
  });
});

describe("a day's square: the worst state of the day", () => {
  it.each<[string, string, Verdict[]]>([
    ['no check', 'none', []],
    ['only answers that work', 'ok', ['ok', 'ok']],
    ['only outages', 'unsure', ['unsure', 'unsure']],
    ['outages and answers that work', 'ok', ['unsure', 'ok']],
    ['one failed check, then back', 'suspect', ['ok', 'lost', 'ok']],
    ['two failed checks, never in a row', 'suspect', ['lost', 'ok', 'lost', 'ok']],
    ['two failed checks in a row', 'failing', ['ok', 'lost', 'lost', 'ok']],
    ['two failed checks with an outage between', 'failing', ['lost', 'unsure', 'lost']],
  ])('%s → %s', (_name, square, verdicts) => {
    expect(dayState(dayOf(verdicts))).toBe(square);
  });

  it("counts each verdict and keeps the run's length", () => {
    expect(dayOf(['ok', 'lost', 'unsure', 'lost', 'ok', 'lost'])).toEqual({
      day: 100,
      ok: 2,
      lost: 3,
      unsure: 1,
      streak: 1,
      longest: 2,
    });
  });

  it('a run of failures carries over midnight: the next day’s first failure confirms it', () => {
    const monday = dayOf(['ok', 'lost']);
    expect(dayState(monday)).toBe('suspect');
    const tuesday = dayOf(['lost', 'ok'], monday, 101);
    expect(dayState(tuesday)).toBe('failing');
  });

  it('…and through days without a verdict; an answer that works ends it', () => {
    const monday = dayOf(['lost', 'lost']);
    const tuesday = dayOf(['unsure'], monday, 101);
    expect(dayState(tuesday)).toBe('unsure');
    expect(tuesday?.streak).toBe(2);
    expect(dayState(dayOf(['lost'], tuesday, 102))).toBe('failing');
    const back = dayOf(['ok'], tuesday, 102);
    expect(dayState(dayOf(['lost'], back, 103))).toBe('suspect');
  });

  it('a new day starts its counts afresh (only the run is carried)', () => {
    const monday = dayOf(['ok', 'ok', 'lost']);
    expect(rollUp(monday, 101, 'ok')).toEqual({
      day: 101,
      ok: 1,
      lost: 0,
      unsure: 0,
      streak: 0,
      longest: 0,
    });
  });
});

describe('the strip', () => {
  it('is 14 squares, oldest first, today last; days without a row are not checked', () => {
    const today = 200;
    const days = [dayOf(['ok'], undefined, 187), dayOf(['lost', 'lost'], undefined, 200)].filter(
      (day): day is CheckDay => day !== undefined,
    );
    const strip = stripOf(days, today);
    expect(strip).toHaveLength(14);
    expect(strip[0]).toBe('ok');
    expect(strip.slice(1, 13)).toEqual(Array(12).fill('none'));
    expect(strip[13]).toBe('failing');
  });

  it('ignores days outside it', () => {
    const old = dayOf(['lost', 'lost'], undefined, 186);
    expect(stripOf(old ? [old] : [], 200)).toEqual(Array(14).fill('none'));
  });

  it('UTC days: midnight UTC starts a new one', () => {
    const midnight = Date.UTC(2024, 0, 2);
    expect(utcDay(midnight)).toBe(utcDay(midnight - 1) + 1);
    expect(utcDay(midnight + DAY_MS - 1)).toBe(utcDay(midnight));
  });

  it('a Notion id is the same target with or without dashes, in any case', () => {
    expect(stripKey('default', '1A2B3C4D-5e6f-4a5b-8c9d-0e1f2a3b4c5d')).toBe(
      stripKey('default', '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d'),
    );
    expect(stripKey('sync', pageId(1))).not.toBe(stripKey('default', pageId(1)));
  });
});

describe('who sees what', () => {
  const viewer = (memberOf: string[] | undefined, kinds: [string, 'public' | 'private'][]) =>
    ({
      memberOf: memberOf && new Set(memberOf),
      kinds: new Map(kinds),
    }) satisfies ViewerChannels;

  it.each<[string, boolean, ViewerChannels]>([
    ['a public channel', true, viewer([], [[PUBLIC, 'public']])],
    ['a private channel the viewer is in', true, viewer([PRIVATE], [])],
    ['a private channel the viewer is not in', false, viewer([], [[PRIVATE, 'private']])],
    ['a channel Slack told nothing about', false, viewer([], [])],
    ['a private channel, membership unknown', false, viewer(undefined, [[PRIVATE, 'private']])],
    ['a public channel, membership unknown', true, viewer(undefined, [[PUBLIC, 'public']])],
  ])('%s: visible %s', (_name, visible, seen) => {
    const channel = seen.kinds.has(PUBLIC) ? PUBLIC : PRIVATE;
    expect(canSee(channel, seen)).toBe(visible);
  });

  function workspace(): Workspace {
    const everything: WatchAllSummary & { channelId: string } = {
      channelId: SECRET,
      connection: 'default',
      count: 12,
      since: T0,
      addedBy: 'U1',
    };
    return {
      watches: [
        watch(1, { channelId: PUBLIC, status: { state: 'ok', since: T0 } }),
        watch(2, { channelId: PUBLIC }),
        watch(3, { channelId: PRIVATE }),
        watch(4, { channelId: SECRET }),
      ],
      everything: [everything],
      alerts: [
        alert([], { id: 'a0000000000000001', channelId: PUBLIC, postedChannel: PUBLIC }),
        // A public channel's alert rerouted to a private ALERT_CHANNEL: only its members see it.
        alert([], { id: 'a0000000000000002', channelId: PUBLIC, postedChannel: SECRET }),
        alert([], { id: 'a0000000000000003', channelId: SECRET, postedChannel: SECRET }),
        alert([], { id: 'a0000000000000004', channelId: PUBLIC, status: 'resolved' }),
      ],
      walkthroughs: [
        { id: 'w1', channelId: SECRET },
        { id: 'w2', channelId: PUBLIC },
      ],
    };
  }

  it('names every channel involved, once', () => {
    // The resolved alert's fixture was posted in CHANNEL.
    expect(channelsOf(workspace())).toEqual([CHANNEL, PRIVATE, PUBLIC, SECRET].sort());
  });

  it('a non-member of the private channels sees only the public one', () => {
    const seen = visibleTo(
      workspace(),
      viewer(
        [],
        [
          [PUBLIC, 'public'],
          [PRIVATE, 'private'],
          [SECRET, 'private'],
        ],
      ),
    );
    expect(seen.channels.map((group) => group.channelId)).toEqual([PUBLIC]);
    expect(seen.channels[0]?.watches.map((each) => each.id)).toEqual([2, 1]);
    expect(seen.alerts.map((each) => each.id)).toEqual(['a0000000000000001']);
    expect(seen.walkthroughs.map((each) => each.id)).toEqual(['w2']);
  });

  it('a member of a private channel sees it too, its "watch all" included', () => {
    const seen = visibleTo(workspace(), viewer([SECRET], [[PUBLIC, 'public']]));
    expect(seen.channels.map((group) => group.channelId).sort()).toEqual([PUBLIC, SECRET].sort());
    const secret = seen.channels.find((group) => group.channelId === SECRET);
    expect(secret?.everything).toEqual([
      { connection: 'default', count: 12, since: T0, addedBy: 'U1' },
    ]);
    expect(seen.alerts.map((each) => each.id).sort()).toEqual([
      'a0000000000000001',
      'a0000000000000002',
      'a0000000000000003',
    ]);
    expect(seen.walkthroughs.map((each) => each.id)).toEqual(['w1', 'w2']);
  });

  it('channels with failing watches come first; alerts nobody took first, then the oldest', () => {
    const seen = visibleTo(
      {
        watches: [
          watch(1, { channelId: 'C0A', status: { state: 'ok', since: T0 } }),
          watch(2, { channelId: 'C0B', status: { state: 'suspect', since: T0 } }),
          watch(3, { channelId: 'C0C' }),
        ],
        everything: [],
        alerts: [
          alert([], { id: 'a0000000000000001', acknowledgedBy: 'U1', failingSince: T0 - 9 }),
          alert([], { id: 'a0000000000000002', failingSince: T0 }),
          alert([], { id: 'a0000000000000003', failingSince: T0 - 1 }),
        ],
        walkthroughs: [],
      },
      viewer(undefined, [
        ['C0A', 'public'],
        ['C0B', 'public'],
        ['C0C', 'public'],
        ['C0CHANNEL', 'public'],
      ]),
    );
    expect(seen.channels.map((group) => group.channelId)).toEqual(['C0C', 'C0B', 'C0A']);
    expect(seen.alerts.map((each) => each.id)).toEqual([
      'a0000000000000003',
      'a0000000000000002',
      'a0000000000000001',
    ]);
  });
});

describe('what one view shows', () => {
  function group(channelId: string, states: WatchState[]): ChannelWatches {
    const watches: Watch[] = states.map((state, index) =>
      watch(index + 1, { channelId, status: { state, since: T0 + index } }),
    );
    return { channelId, everything: [], watches };
  }

  it('channels share the lines in turns: a big channel never hides a small one', () => {
    const cut = cutWatches(
      [group('C0BIG', Array(100).fill('ok')), group('C0SMALL', ['ok', 'ok'])],
      { lines: 10, channels: 5 },
    );
    expect(cut.channels.map((each) => [each.channelId, each.shown.length, each.more])).toEqual([
      ['C0BIG', 8, 92],
      ['C0SMALL', 2, 0],
    ]);
    expect(cut.moreChannels).toBe(0);
  });

  it('300 watches in 30 channels: at most the limits, and everything left out counted', () => {
    const groups = Array.from({ length: 30 }, (_, c) =>
      group(`C0${String(c).padStart(3, '0')}`, Array(10).fill('ok')),
    );
    const cut = cutWatches(groups, { lines: 60, channels: 15 });
    expect(cut.channels).toHaveLength(15);
    const shown = cut.channels.reduce((sum, each) => sum + each.shown.length, 0);
    const more = cut.channels.reduce((sum, each) => sum + each.more, 0);
    expect(shown).toBe(60);
    expect(shown + more + cut.moreWatches).toBe(300);
    expect([cut.moreChannels, cut.moreWatches]).toEqual([15, 150]);
  });

  it('counts the failing and suspect watches of each channel, shown or not', () => {
    const cut = cutWatches([group('C0X', ['failing', 'suspect', 'ok', 'failing'])], {
      lines: 1,
      channels: 1,
    });
    expect(cut.channels[0]).toMatchObject({ total: 4, failing: 2, suspect: 1, more: 3 });
  });

  it('no lines: every channel counted, none shown', () => {
    const cut = cutWatches([group('C0X', ['ok']), group('C0Y', ['ok', 'ok'])], {
      lines: 0,
      channels: 0,
    });
    expect(cut).toEqual({ channels: [], moreChannels: 2, moreWatches: 3 });
  });

  it('listed: the first items and how many more', () => {
    expect(listed([1, 2, 3], 2)).toEqual({ shown: [1, 2], more: 1 });
    expect(listed([1], 5)).toEqual({ shown: [1], more: 0 });
  });
});
