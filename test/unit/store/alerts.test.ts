/**
 * Alerts (src/store/alerts.ts, AlertRepo) through a real Store on a temporary SQLite file:
 * every field and the details round-trip, open alerts per connection, the first
 * acknowledgement wins, partial updates, and all of it survives a restart.
 */
import Database from 'better-sqlite3';
import type { Alert } from '../../../src/domain/alert';
import type { Watch } from '../../../src/domain/watch';
import { alert, CHANNEL, HOUR, newWatch, OTHER_USER, T0, USER } from '../../support/fixtures';
import { useTempStore } from '../../support/tempStore';

const CAROL = 'U0CAROL03';

const temp = useTempStore('alerts');

/** Watches 1..n in the channel, as stored (an alert lists stored watch ids). */
function addWatches(n: number): Watch[] {
  for (let i = 1; i <= n; i++) temp.store.watches.add(newWatch(i));
  return temp.store.watches.inChannel(CHANNEL);
}

/** An alert as the sweep stores it: open, not posted yet, nobody has touched it. */
function newAlert(watches: Watch[], overrides: Partial<Alert> = {}): Alert {
  return alert(watches, {
    id: 'a00112233aabbccdd',
    postedChannel: undefined,
    ts: undefined,
    openedAt: T0 + HOUR,
    failingSince: T0,
    ...overrides,
  });
}

describe('alerts', () => {
  it('create / get round-trip every field and the details', () => {
    const watches = addWatches(3);
    const created = newAlert(watches);
    temp.store.alerts.create(created);
    expect(temp.store.alerts.get(created.id)).toEqual(created);
    expect(temp.store.alerts.get('a-unknown')).toBeUndefined();
  });

  it('an alert stored as posted (its channel and ts known) keeps them', () => {
    const posted = alert(addWatches(1));
    temp.store.alerts.create(posted);
    expect(temp.store.alerts.get(posted.id)).toEqual(posted);
  });

  it('details with unusual text come back exactly as stored', () => {
    const watches = addWatches(1);
    const created = newAlert(watches);
    created.details.integrationName = 'Quotes " \' \\ and <!channel> & emoji :x: — ünïcødé';
    created.details.watches[0] = {
      id: 1,
      title: 'Ä "page"\nwith newline',
      url: undefined,
      resourceId: 'r',
    };
    temp.store.alerts.create(created);
    expect(temp.store.alerts.get(created.id)?.details).toEqual(created.details);
  });

  it('details written by 0.1 (a title, url: null) read back as 0.2 keeps them', () => {
    const [w1] = addWatches(1);
    if (!w1) throw new Error('watch expected');
    const created = newAlert([w1]);
    temp.store.alerts.create(created);
    const legacy = {
      title: 'Not shared with the integration (or deleted)',
      watches: [{ id: w1.id, title: 'Roadmap page 1', url: null, resourceId: w1.resourceId }],
      requestIds: ['req-1'],
      integrationName: 'Roadmap Sync',
      fingerprint: '…abcd',
    };
    const raw = new Database(temp.file);
    raw
      .prepare('UPDATE alerts SET details_json = ? WHERE id = ?')
      .run(JSON.stringify(legacy), created.id);
    raw.close();
    const details = temp.store.alerts.get(created.id)?.details;
    expect(details).toEqual({
      watches: [{ id: w1.id, title: 'Roadmap page 1', url: undefined, resourceId: w1.resourceId }],
      requestIds: ['req-1'],
      integrationName: 'Roadmap Sync',
      fingerprint: '…abcd',
    });
    expect(details).not.toHaveProperty('title');
  });

  it('open lists the open alerts of one connection, oldest first', () => {
    const watches = addWatches(1);
    temp.store.alerts.create(newAlert(watches, { id: 'a-late', openedAt: T0 + 2 * HOUR }));
    temp.store.alerts.create(newAlert(watches, { id: 'a-early', openedAt: T0 + HOUR }));
    temp.store.alerts.create(newAlert(watches, { id: 'a-other', connection: 'marketing' }));
    temp.store.alerts.create(newAlert(watches, { id: 'a-closed' }));
    temp.store.alerts.update('a-closed', { status: 'resolved', resolvedAt: T0 + 3 * HOUR });
    expect(temp.store.alerts.open('default').map((a) => a.id)).toEqual(['a-early', 'a-late']);
  });

  it('acknowledge records the first person only', () => {
    const created = newAlert(addWatches(1));
    temp.store.alerts.create(created);
    expect(temp.store.alerts.acknowledge(created.id, USER, T0 + 2 * HOUR)).toBe(true);
    expect(temp.store.alerts.acknowledge(created.id, OTHER_USER, T0 + 3 * HOUR)).toBe(false);
    expect(temp.store.alerts.get(created.id)).toMatchObject({
      acknowledgedBy: USER,
      acknowledgedAt: T0 + 2 * HOUR,
    });
  });

  it('acknowledge refuses a resolved alert and an unknown one', () => {
    const created = newAlert(addWatches(1));
    temp.store.alerts.create(created);
    temp.store.alerts.update(created.id, { status: 'resolved', resolvedAt: T0 + HOUR });
    expect(temp.store.alerts.acknowledge(created.id, USER, T0 + 2 * HOUR)).toBe(false);
    const stored = temp.store.alerts.get(created.id);
    expect(stored?.acknowledgedBy).toBeUndefined();
    expect(stored?.acknowledgedAt).toBeUndefined();
    expect(temp.store.alerts.acknowledge('a-unknown', USER, T0)).toBe(false);
  });

  it('update changes only the fields given, and returns the alert as it now is', () => {
    const created = newAlert(addWatches(2));
    temp.store.alerts.create(created);

    const posted = temp.store.alerts.update(created.id, {
      postedChannel: CHANNEL,
      ts: '1700000000.000200',
    });
    expect(temp.store.alerts.get(created.id)).toEqual({
      ...created,
      postedChannel: CHANNEL,
      ts: '1700000000.000200',
    });
    expect(posted).toEqual(temp.store.alerts.get(created.id));

    temp.store.alerts.update(created.id, { snoozedBy: OTHER_USER, snoozedUntil: T0 + 30 * HOUR });
    temp.store.alerts.update(created.id, { lastReminderAt: T0 + 25 * HOUR });
    expect(temp.store.alerts.get(created.id)).toEqual({
      ...created,
      postedChannel: CHANNEL,
      ts: '1700000000.000200',
      snoozedBy: OTHER_USER,
      snoozedUntil: T0 + 30 * HOUR,
      lastReminderAt: T0 + 25 * HOUR,
    });

    const details = { ...created.details, closedBecause: 'unwatched' as const };
    temp.store.alerts.update(created.id, {
      status: 'resolved',
      resolvedAt: T0 + 40 * HOUR,
      details,
    });
    expect(temp.store.alerts.get(created.id)).toMatchObject({
      status: 'resolved',
      resolvedAt: T0 + 40 * HOUR,
      snoozedBy: OTHER_USER,
      lastReminderAt: T0 + 25 * HOUR,
      details,
    });
  });

  it('update can clear a field with undefined, and does nothing with no fields', () => {
    const created = newAlert(addWatches(1));
    temp.store.alerts.create(created);
    temp.store.alerts.update(created.id, { snoozedBy: OTHER_USER, snoozedUntil: T0 + HOUR });
    temp.store.alerts.update(created.id, { snoozedBy: undefined, snoozedUntil: undefined });
    expect(temp.store.alerts.update(created.id, {})).toEqual(created);
    expect(temp.store.alerts.get(created.id)).toEqual(created);
  });

  it('update touches only its own alert; an unknown one is undefined', () => {
    const watches = addWatches(1);
    temp.store.alerts.create(newAlert(watches, { id: 'a-one' }));
    temp.store.alerts.create(newAlert(watches, { id: 'a-two' }));
    temp.store.alerts.update('a-one', { status: 'resolved', resolvedAt: T0 });
    expect(temp.store.alerts.get('a-two')).toMatchObject({ status: 'open' });
    expect(temp.store.alerts.get('a-two')?.resolvedAt).toBeUndefined();
    expect(temp.store.alerts.update('a-unknown', { status: 'resolved' })).toBeUndefined();
  });
});

describe('a restart (close and reopen the Store)', () => {
  it('keeps alerts with their acknowledgement and snooze', () => {
    const [w1] = addWatches(3);
    if (!w1) throw new Error('watch expected');
    const created = newAlert([w1]);
    temp.store.alerts.create(created);
    temp.store.alerts.update(created.id, { postedChannel: CHANNEL, ts: '1700000000.000300' });
    temp.store.alerts.acknowledge(created.id, USER, T0 + 2 * HOUR);
    temp.store.alerts.update(created.id, { snoozedBy: OTHER_USER, snoozedUntil: T0 + 26 * HOUR });
    const before = temp.store.alerts.get(created.id);

    const reopened = temp.restart();

    expect(reopened.alerts.get(created.id)).toEqual({
      ...created,
      postedChannel: CHANNEL,
      ts: '1700000000.000300',
      acknowledgedBy: USER,
      acknowledgedAt: T0 + 2 * HOUR,
      snoozedBy: OTHER_USER,
      snoozedUntil: T0 + 26 * HOUR,
    });
    expect(reopened.alerts.get(created.id)).toEqual(before);
    expect(reopened.alerts.open('default').map((a) => a.id)).toEqual([created.id]);
    expect(
      reopened.watches.byIds(
        created.connection,
        created.details.watches.map((w) => w.id),
      ),
    ).toEqual([w1]);
    // The old buttons keep working: an acknowledgement stays the first person's after a restart.
    expect(reopened.alerts.acknowledge(created.id, CAROL, T0 + 3 * HOUR)).toBe(false);
    expect(reopened.alerts.get(created.id)?.acknowledgedBy).toBe(USER);
  });
});
