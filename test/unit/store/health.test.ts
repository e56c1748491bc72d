/**
 * Per-connection health (src/store/health.ts, HealthRepo) through a real Store on a temporary
 * SQLite file: the token's state, whether Notion answers, and when the last sweep ran.
 */
import type { ConnectionHealth } from '../../../src/domain/watch';
import { HOUR, MINUTE, T0 } from '../../support/fixtures';
import { useTempStore } from '../../support/tempStore';

const temp = useTempStore('health');

describe('connection health', () => {
  it('is undefined before the first sweep', () => {
    expect(temp.store.health.get('default')).toBeUndefined();
  });

  it('save / get round-trip, including the last sweep time', () => {
    temp.store.health.save(
      {
        connection: 'default',
        status: { state: 'suspect', since: T0, kind: 'token_invalid', requestId: 'req-t' },
        reachability: { unreachableSince: T0 - HOUR, noticePosted: true },
      },
      T0 + 15 * MINUTE,
    );
    expect(temp.store.health.get('default')).toEqual<ConnectionHealth>({
      connection: 'default',
      status: { state: 'suspect', since: T0, kind: 'token_invalid', requestId: 'req-t' },
      reachability: { unreachableSince: T0 - HOUR, noticePosted: true },
      lastSweepAt: T0 + 15 * MINUTE,
    });
  });

  it('the next sweep overwrites it, clearing what no longer applies', () => {
    temp.store.health.save(
      {
        connection: 'default',
        status: { state: 'failing', since: T0, kind: 'token_invalid', requestId: 'req-t' },
        reachability: { unreachableSince: T0, noticePosted: true },
      },
      T0,
    );
    temp.store.health.save(
      {
        connection: 'default',
        status: { state: 'ok', since: T0 + HOUR },
        reachability: { noticePosted: false },
      },
      T0 + HOUR,
    );
    expect(temp.store.health.get('default')).toEqual({
      connection: 'default',
      status: { state: 'ok', since: T0 + HOUR, kind: undefined, requestId: undefined },
      reachability: { unreachableSince: undefined, noticePosted: false },
      lastSweepAt: T0 + HOUR,
    });
  });

  it('the sweep time saved is the one given, not one carried in the health', () => {
    temp.store.health.save(
      {
        connection: 'default',
        status: { state: 'ok', since: T0 },
        reachability: { noticePosted: false },
        lastSweepAt: T0 - HOUR,
      },
      T0 + 1,
    );
    expect(temp.store.health.get('default')?.lastSweepAt).toBe(T0 + 1);
  });

  it('keeps connections apart', () => {
    const health = (connection: string, since: number): ConnectionHealth => ({
      connection,
      status: { state: 'ok', since },
      reachability: { noticePosted: false },
    });
    temp.store.health.save(health('default', T0), T0 + 1);
    temp.store.health.save(health('marketing', T0 + 5), T0 + 6);
    expect(temp.store.health.get('default')).toMatchObject({ lastSweepAt: T0 + 1 });
    expect(temp.store.health.get('marketing')).toMatchObject({
      status: { since: T0 + 5 },
      lastSweepAt: T0 + 6,
    });
  });
});

describe('a restart (close and reopen the Store)', () => {
  it('keeps the health of each connection', () => {
    const health: ConnectionHealth = {
      connection: 'default',
      status: { state: 'ok', since: T0 },
      reachability: { unreachableSince: T0 + HOUR, noticePosted: true },
    };
    temp.store.health.save(health, T0 + 2 * HOUR);
    const before = temp.store.health.get('default');

    const reopened = temp.restart();

    expect(reopened.health.get('default')).toEqual({
      ...health,
      status: { ...health.status, kind: undefined, requestId: undefined },
      lastSweepAt: T0 + 2 * HOUR,
    });
    expect(reopened.health.get('default')).toEqual(before);
  });
});
