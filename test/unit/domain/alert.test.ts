/**
 * The alert rules (src/domain/alert.ts): how confirmed losses group into alerts, what an open
 * alert needs at each sweep, and when it reminds.
 *
 * Grouping (groupLosses): same channel + same diagnosis in one sweep → one 'resources' alert
 *   listing every watch, failing since the earliest of them, with every request id.
 * A failing token (tokenLossAlerts): one 'connection' alert per channel watching anything with it.
 * Chores (openAlertChore), in this order: no member still watched → close_unwatched; never
 *   posted (Slack was down) → post; reminder due → remind; otherwise none.
 * Recovery (afterRecovery): resolve once every member is ok, else redraw.
 * Reminders (reminderDue): every 24 h after opening / the last reminder; never once acknowledged;
 *   none while snoozed; after a snooze, the next one 24 h after the snooze ended.
 * Snooze (isSnoozed): from the click until snoozedUntil, excluded.
 */
import {
  type Alert,
  afterRecovery,
  alertedWatch,
  type ConfirmedLoss,
  groupLosses,
  isSnoozed,
  type NewAlert,
  openAlert,
  openAlertChore,
  REMINDER_EVERY_MS,
  reminderDue,
  SNOOZE_MS,
  tokenLossAlerts,
} from '../../../src/domain/alert';
import type { Watch, WatchStatus } from '../../../src/domain/watch';
import { alert, CHANNEL, HOUR, MINUTE as MIN, pageId, T0, watch } from '../../support/fixtures';

const DAY = 24 * HOUR;
/** The default CHECK_INTERVAL. */
const INTERVAL = 15 * MIN;
const OTHER_CHANNEL = 'C0OTHER01';

const FACTS = { connection: 'default', integrationName: 'Roadmap Sync', fingerprint: '…abcd' };

/** A loss this sweep confirmed: the watch, failing with `kind` since `since`. */
function loss(
  index: number,
  kind: WatchStatus['kind'],
  since = T0,
  overrides: Partial<Watch> = {},
): ConfirmedLoss {
  const status: WatchStatus = { state: 'failing', since, kind, requestId: `req-${index}` };
  return { watch: watch(index, { status, ...overrides }), status };
}

describe('the 24 h periods', () => {
  it('remind and snooze every 24 hours', () => {
    expect(REMINDER_EVERY_MS).toBe(DAY);
    expect(SNOOZE_MS).toBe(DAY);
  });
});

describe('alertedWatch and openAlert', () => {
  it('an alert lists a watch by id, title, link and page id', () => {
    expect(alertedWatch(watch(3))).toEqual({
      id: 3,
      title: 'Roadmap page 3',
      url: watch(3).url,
      resourceId: pageId(3),
    });
  });

  it('a watch without a title is listed by its page id, without a link if it has none', () => {
    expect(alertedWatch(watch(4, { title: undefined, url: undefined }))).toEqual({
      id: 4,
      title: pageId(4),
      url: undefined,
      resourceId: pageId(4),
    });
  });

  it('openAlert opens it now, with the id given, unposted and untouched by anyone', () => {
    const [input] = groupLosses([loss(1, 'not_shared')], FACTS);
    if (!input) throw new Error('one alert expected');
    const opened = openAlert(input, 'a0011223344556677', T0 + HOUR);
    expect(opened).toEqual({
      ...input,
      id: 'a0011223344556677',
      status: 'open',
      openedAt: T0 + HOUR,
    });
    expect(opened.ts).toBeUndefined();
    expect(opened.acknowledgedAt).toBeUndefined();
  });
});

describe('groupLosses: one alert per channel and cause', () => {
  it('several pages of one channel failing the same way make one alert listing them all', () => {
    const losses = [
      loss(1, 'not_shared', T0 + HOUR),
      loss(2, 'not_shared', T0),
      loss(3, 'not_shared', T0 + 2 * HOUR),
    ];
    const alerts = groupLosses(losses, FACTS);
    expect(alerts).toEqual<NewAlert[]>([
      {
        connection: 'default',
        channelId: CHANNEL,
        scope: 'resources',
        kind: 'not_shared',
        // The earliest failure of the group, not the first listed.
        failingSince: T0,
        details: {
          watches: [alertedWatch(watch(1)), alertedWatch(watch(2)), alertedWatch(watch(3))],
          requestIds: ['req-1', 'req-2', 'req-3'],
          integrationName: 'Roadmap Sync',
          fingerprint: '…abcd',
        },
      },
    ]);
  });

  it('another cause or another channel is another alert, in the order first seen', () => {
    const alerts = groupLosses(
      [
        loss(1, 'not_shared'),
        loss(2, 'in_trash'),
        loss(3, 'not_shared', T0, { channelId: OTHER_CHANNEL }),
        loss(4, 'not_shared'),
        loss(5, 'in_trash', T0 - HOUR),
      ],
      FACTS,
    );
    expect(alerts.map((a) => [a.channelId, a.kind, a.details.watches.map((w) => w.id)])).toEqual([
      [CHANNEL, 'not_shared', [1, 4]],
      [CHANNEL, 'in_trash', [2, 5]],
      [OTHER_CHANNEL, 'not_shared', [3]],
    ]);
    expect(alerts.map((a) => a.failingSince)).toEqual([T0, T0 - HOUR, T0]);
    expect(alerts.every((a) => a.scope === 'resources' && a.connection === 'default')).toBe(true);
  });

  it('keeps only the request ids Notion gave', () => {
    const silent = loss(2, 'restricted');
    silent.status = { ...silent.status, requestId: undefined };
    const [only] = groupLosses([loss(1, 'restricted'), silent, loss(3, 'restricted')], FACTS);
    expect(only?.details.requestIds).toEqual(['req-1', 'req-3']);
    expect(only?.details.watches).toHaveLength(3);
  });

  it('a loss without a recorded kind is alerted as not shared', () => {
    const [only] = groupLosses([loss(1, undefined)], FACTS);
    expect(only?.kind).toBe('not_shared');
  });

  it('…and shares one alert with the pages of that channel that are not shared', () => {
    const alerts = groupLosses([loss(1, undefined), loss(2, 'not_shared')], FACTS);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.details.watches.map((w) => w.id)).toEqual([1, 2]);
  });

  it('without the integration facts, the alert has none either', () => {
    const [only] = groupLosses([loss(1, 'not_shared')], { connection: 'marketing' });
    expect(only).toMatchObject({ connection: 'marketing' });
    expect(only?.details.integrationName).toBeUndefined();
    expect(only?.details.fingerprint).toBeUndefined();
  });

  it('no loss, no alert', () => {
    expect(groupLosses([], FACTS)).toEqual([]);
  });
});

describe('tokenLossAlerts: a failing token alerts every channel that watches with it', () => {
  const status: WatchStatus = {
    state: 'failing',
    since: T0 - HOUR,
    kind: 'token_invalid',
    requestId: 'req-401',
  };

  it('one connection alert per channel, listing that channel’s watches only', () => {
    const watches = [
      watch(1),
      watch(2, { channelId: OTHER_CHANNEL }),
      watch(3),
      watch(4, { channelId: OTHER_CHANNEL }),
    ];
    expect(
      tokenLossAlerts(watches, status, { connection: 'default', fingerprint: '…abcd' }),
    ).toEqual<NewAlert[]>([
      {
        connection: 'default',
        channelId: CHANNEL,
        scope: 'connection',
        kind: 'token_invalid',
        failingSince: T0 - HOUR,
        details: {
          watches: [alertedWatch(watch(1)), alertedWatch(watch(3))],
          requestIds: ['req-401'],
          fingerprint: '…abcd',
        },
      },
      {
        connection: 'default',
        channelId: OTHER_CHANNEL,
        scope: 'connection',
        kind: 'token_invalid',
        failingSince: T0 - HOUR,
        details: {
          watches: [
            alertedWatch(watch(2, { channelId: OTHER_CHANNEL })),
            alertedWatch(watch(4, { channelId: OTHER_CHANNEL })),
          ],
          requestIds: ['req-401'],
          fingerprint: '…abcd',
        },
      },
    ]);
  });

  it('takes the token’s diagnosis (a missing token too), invalid when none was recorded', () => {
    const facts = { connection: 'default' };
    const missing = tokenLossAlerts([watch(1)], { ...status, kind: 'token_missing' }, facts);
    expect(missing.map((a) => a.kind)).toEqual(['token_missing']);
    const unknown = tokenLossAlerts([watch(1)], { state: 'failing', since: T0 }, facts);
    expect(unknown).toMatchObject([{ kind: 'token_invalid', details: { requestIds: [] } }]);
  });

  it('nothing watched with the token: nobody to alert', () => {
    expect(tokenLossAlerts([], status, { connection: 'default' })).toEqual([]);
  });
});

describe('isSnoozed', () => {
  it('from the snooze until snoozedUntil, not at it nor after it', () => {
    const until = T0 + SNOOZE_MS;
    const snoozed = alert([watch(1)], { snoozedBy: 'U0BOB0002', snoozedUntil: until });
    expect(isSnoozed(snoozed, T0)).toBe(true);
    expect(isSnoozed(snoozed, until - 1)).toBe(true);
    expect(isSnoozed(snoozed, until)).toBe(false);
    expect(isSnoozed(snoozed, until + DAY)).toBe(false);
  });

  it('never snoozed: never snoozed', () => {
    expect(isSnoozed(alert([watch(1)]), T0)).toBe(false);
  });
});

describe('reminderDue', () => {
  const OPENED = T0;
  /** An open, posted, unacknowledged alert opened at OPENED. */
  const at = (fields: Partial<Alert> = {}): Alert =>
    alert([watch(1)], { openedAt: OPENED, ...fields });

  it('not before 24 h since the alert opened; due at 24 h', () => {
    expect(reminderDue(at(), OPENED)).toBe(false);
    expect(reminderDue(at(), OPENED + 23 * HOUR)).toBe(false);
    expect(reminderDue(at(), OPENED + DAY - 1)).toBe(false);
    expect(reminderDue(at(), OPENED + DAY)).toBe(true);
    expect(reminderDue(at(), OPENED + DAY + HOUR)).toBe(true);
  });

  it('after a reminder, the next one is due 24 h later', () => {
    const alert = at({ lastReminderAt: OPENED + DAY + 10 * MIN });
    expect(reminderDue(alert, OPENED + DAY + 10 * MIN)).toBe(false);
    expect(reminderDue(alert, OPENED + 2 * DAY)).toBe(false);
    expect(reminderDue(alert, OPENED + 2 * DAY + 10 * MIN - 1)).toBe(false);
    expect(reminderDue(alert, OPENED + 2 * DAY + 10 * MIN)).toBe(true);
  });

  it('a sweep every 15 min for a week sends one reminder a day, not more', () => {
    let alert = at();
    let reminders = 0;
    for (let now = OPENED; now <= OPENED + 7 * DAY; now += INTERVAL) {
      if (reminderDue(alert, now)) {
        reminders++;
        alert = { ...alert, lastReminderAt: now };
      }
    }
    expect(reminders).toBe(7);
  });

  it('never once someone acknowledged it', () => {
    for (const now of [OPENED + DAY, OPENED + 3 * DAY, OPENED + 30 * DAY]) {
      expect(reminderDue(at({ acknowledgedAt: OPENED + HOUR }), now)).toBe(false);
      expect(
        reminderDue(at({ lastReminderAt: OPENED + DAY, acknowledgedAt: OPENED + DAY + 1 }), now),
      ).toBe(false);
    }
  });

  it('not while snoozed, even when a reminder was overdue', () => {
    const alert = at({ snoozedUntil: OPENED + 3 * DAY });
    expect(reminderDue(alert, OPENED + DAY)).toBe(false);
    expect(reminderDue(alert, OPENED + 2 * DAY)).toBe(false);
    expect(reminderDue(alert, OPENED + 3 * DAY - 1)).toBe(false);
  });

  it('an overdue reminder comes as soon as the snooze ends (snooze 24 h means 24 h)', () => {
    const snoozedUntil = OPENED + 20 * HOUR + DAY;
    const alert = at({ snoozedUntil });
    expect(reminderDue(alert, snoozedUntil - 1)).toBe(false);
    expect(reminderDue(alert, snoozedUntil)).toBe(true);
  });

  it('after a snooze, a recent reminder still spaces the next one by 24 h', () => {
    const snoozedUntil = OPENED + 2 * DAY;
    const alert = at({ snoozedUntil, lastReminderAt: snoozedUntil - HOUR });
    expect(reminderDue(alert, snoozedUntil)).toBe(false);
    expect(reminderDue(alert, snoozedUntil - HOUR + DAY)).toBe(true);
  });

  it('an expired snooze older than the last reminder changes nothing', () => {
    const alert = at({ snoozedUntil: OPENED + HOUR, lastReminderAt: OPENED + DAY });
    expect(reminderDue(alert, OPENED + 2 * DAY - 1)).toBe(false);
    expect(reminderDue(alert, OPENED + 2 * DAY)).toBe(true);
  });
});

describe('openAlertChore: what an open alert needs at the end of a sweep', () => {
  const members = [watch(1), watch(2)];
  const posted = (fields: Partial<Alert> = {}) => alert(members, { openedAt: T0, ...fields });

  it('nothing while it is posted and no reminder is due', () => {
    expect(openAlertChore(posted(), members, T0 + HOUR)).toBe('none');
  });

  it('a reminder once 24 h passed', () => {
    expect(openAlertChore(posted(), members, T0 + DAY - 1)).toBe('none');
    expect(openAlertChore(posted(), members, T0 + DAY)).toBe('remind');
  });

  it('no reminder once acknowledged, nor while snoozed', () => {
    expect(openAlertChore(posted({ acknowledgedAt: T0 + HOUR }), members, T0 + 2 * DAY)).toBe(
      'none',
    );
    expect(openAlertChore(posted({ snoozedUntil: T0 + 3 * DAY }), members, T0 + 2 * DAY)).toBe(
      'none',
    );
  });

  it('posts an alert that was never posted (Slack was down), before any reminder', () => {
    const unposted = posted({ ts: undefined, postedChannel: undefined });
    expect(openAlertChore(unposted, members, T0 + HOUR)).toBe('post');
    expect(openAlertChore(unposted, members, T0 + 3 * DAY)).toBe('post');
  });

  it('closes it once none of its pages is watched any more, whatever else is due', () => {
    expect(openAlertChore(posted(), [], T0 + HOUR)).toBe('close_unwatched');
    expect(openAlertChore(posted(), [], T0 + 3 * DAY)).toBe('close_unwatched');
    expect(openAlertChore(posted({ ts: undefined }), [], T0 + HOUR)).toBe('close_unwatched');
  });
});

describe('afterRecovery', () => {
  const ok = (index: number) => watch(index, { status: { state: 'ok', since: T0 + HOUR } });

  it('resolves once every page of the alert works again', () => {
    expect(afterRecovery([ok(1), ok(2), ok(3)])).toBe('resolve');
  });

  it('redraws while any page still fails or is suspect', () => {
    expect(afterRecovery([ok(1), watch(2), ok(3)])).toBe('redraw');
    const suspect = watch(2, { status: { state: 'suspect', since: T0, kind: 'not_shared' } });
    expect(afterRecovery([ok(1), suspect])).toBe('redraw');
  });

  it('with no page left to wait for, resolves', () => {
    expect(afterRecovery([])).toBe('resolve');
  });
});
