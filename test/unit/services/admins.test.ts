import { AdminPolicy, type UserLookup } from '../../../src/services/admins';
import { T0 } from '../../support/fixtures';

const ADMIN = 'U0ADMIN01';
const MEMBER = 'U0MEMBER1';
const CACHE_MS = 5 * 60_000;

/** A users.info lookup answering from a table, counting calls per user. */
function lookupFrom(users: Record<string, unknown>) {
  const calls: string[] = [];
  const lookup: UserLookup = async (userId) => {
    calls.push(userId);
    return users[userId];
  };
  return { lookup, calls };
}

/** A clock the test moves by hand. */
function clock(start = T0) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('AdminPolicy with ADMIN_USER_IDS', () => {
  it('admits only the listed users and never asks Slack', async () => {
    const { lookup, calls } = lookupFrom({ [MEMBER]: { is_admin: true, is_owner: true } });
    const policy = new AdminPolicy([ADMIN, 'U0ADMIN02']);
    expect(await policy.isAdmin(ADMIN, lookup)).toBe(true);
    expect(await policy.isAdmin('U0ADMIN02', lookup)).toBe(true);
    // A workspace owner who is not listed is not a token admin here.
    expect(await policy.isAdmin(MEMBER, lookup)).toBe(false);
    expect(calls).toEqual([]);
  });

  it('exposes the listed ids (the Slack edge names them: notAdmin in slack/blocks/replies.ts)', () => {
    expect(new AdminPolicy([ADMIN, 'U0ADMIN02']).adminUserIds).toEqual([ADMIN, 'U0ADMIN02']);
    expect(new AdminPolicy(undefined).adminUserIds).toBeUndefined();
  });
});

describe('AdminPolicy without ADMIN_USER_IDS (workspace admins and owners)', () => {
  it.each([
    ['a workspace admin', { id: 'U1', is_admin: true }],
    ['a workspace owner', { id: 'U1', is_owner: true }],
    ['the primary owner', { id: 'U1', is_primary_owner: true, is_owner: true, is_admin: true }],
    ['an admin with extra fields', { id: 'U1', is_admin: true, profile: { real_name: 'Ada' } }],
  ])('%s is an admin', async (_who, user) => {
    const { lookup, calls } = lookupFrom({ U1: user });
    expect(await new AdminPolicy(undefined).isAdmin('U1', lookup)).toBe(true);
    expect(calls).toEqual(['U1']);
  });

  it.each<[string, unknown]>([
    ['a regular member', { id: 'U1', is_admin: false, is_owner: false, is_primary_owner: false }],
    ['a member without any flag', { id: 'U1' }],
    ['a deleted admin', { id: 'U1', is_admin: true, deleted: true }],
    ['a deleted owner', { id: 'U1', is_owner: true, deleted: true }],
    ['an answer with a flag of the wrong type', { id: 'U1', is_admin: 'yes' }],
    ['no answer', undefined],
    ['null', null],
    ['a string', 'is_admin'],
  ])('%s is not an admin', async (_who, user) => {
    const { lookup } = lookupFrom({ U1: user });
    expect(await new AdminPolicy(undefined).isAdmin('U1', lookup)).toBe(false);
  });

  it('caches an answer for 5 minutes, then asks Slack again', async () => {
    const time = clock();
    const users: Record<string, unknown> = { [ADMIN]: { is_admin: true } };
    const { lookup, calls } = lookupFrom(users);
    const policy = new AdminPolicy(undefined, time.now);

    expect(await policy.isAdmin(ADMIN, lookup)).toBe(true);
    // Demoted in Slack: the cached answer still holds within the 5 minutes.
    users[ADMIN] = { is_admin: false };
    time.advance(CACHE_MS - 1);
    expect(await policy.isAdmin(ADMIN, lookup)).toBe(true);
    expect(calls).toEqual([ADMIN]);

    time.advance(1);
    expect(await policy.isAdmin(ADMIN, lookup)).toBe(false);
    expect(calls).toEqual([ADMIN, ADMIN]);
  });

  it('caches a refusal too, and each user separately', async () => {
    const time = clock();
    const users: Record<string, unknown> = {
      [ADMIN]: { is_owner: true },
      [MEMBER]: { is_admin: false },
    };
    const { lookup, calls } = lookupFrom(users);
    const policy = new AdminPolicy(undefined, time.now);

    expect(await policy.isAdmin(MEMBER, lookup)).toBe(false);
    expect(await policy.isAdmin(ADMIN, lookup)).toBe(true);
    time.advance(60_000);
    expect(await policy.isAdmin(MEMBER, lookup)).toBe(false);
    expect(await policy.isAdmin(ADMIN, lookup)).toBe(true);
    expect(calls).toEqual([MEMBER, ADMIN]);

    // Promoted: seen once the cached refusal expires.
    users[MEMBER] = { is_admin: true };
    time.advance(CACHE_MS);
    expect(await policy.isAdmin(MEMBER, lookup)).toBe(true);
    expect(calls).toEqual([MEMBER, ADMIN, MEMBER]);
  });

  it('does not cache a failed lookup', async () => {
    let fail = true;
    const calls: string[] = [];
    const lookup: UserLookup = async (userId) => {
      calls.push(userId);
      if (fail) throw new Error('users.info failed');
      return { is_admin: true };
    };
    const policy = new AdminPolicy(undefined, clock().now);
    // A failed lookup refuses (never grants) and is not remembered.
    expect(await policy.isAdmin(ADMIN, lookup)).toBe(false);
    fail = false;
    expect(await policy.isAdmin(ADMIN, lookup)).toBe(true);
    expect(calls).toEqual([ADMIN, ADMIN]);
  });
});
