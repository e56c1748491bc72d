/**
 * A watch's state machine (src/domain/watch.ts): one scheduled check of a watched page (or of a
 * connection's token), state × outcome → next state and what the channel is told.
 *
 * | state   | outcome   | next    | since                               | decision  |
 * |---------|-----------|---------|-------------------------------------|-----------|
 * | ok      | ok        | ok      | unchanged                           | none      |
 * | ok      | access    | suspect | this check                          | none      |
 * | ok      | transient | ok      | unchanged                           | none      |
 * | suspect | ok        | ok      | this check                          | none      |
 * | suspect | access    | failing | kept: the first failure (confirmed) | alert     |
 * | suspect | transient | suspect | unchanged                           | none      |
 * | failing | ok        | ok      | this check                          | recovered |
 * | failing | access    | failing | kept: failing since the first one   | none      |
 * | failing | transient | failing | unchanged                           | none      |
 *
 * outcome: ok = category 'ok'; access = category 'access' (token_missing, token_invalid,
 * not_shared, restricted, in_trash); transient = every other category ('transient', 'input',
 * 'unexpected': rate_limited, notion_unavailable, timeout, network, edge_blocked, bad_response,
 * invalid_input, unexpected). A transient outcome never moves the state, so it neither confirms
 * nor clears a suspicion: access, 503, access is two access failures in a row → one alert.
 * kind/requestId follow the latest access failure while suspect or failing; ok clears them.
 *
 * New watch (initialWatchStatus): ok → ok, access → suspect, transient → ok.
 * Reachability (nextReachability): one 'post_unreachable' after ≥ 1 h of unbroken transient
 *   sweeps, one 'post_back' when Notion answers again; nothing else, ever.
 * Reminders and snoozes are decided per alert: test/unit/domain/alert.test.ts.
 */

import { CATEGORY_OF, type DiagnosisKind, diagnosisOf } from '../../../src/domain/diagnosis';
import {
  type CheckOutcome,
  type Decision,
  initialWatchStatus,
  nextReachability,
  nextWatchStatus,
  outcomeOf,
  type Reachability,
  type ReachabilityDecision,
  type WatchState,
  type WatchStatus,
} from '../../../src/domain/watch';
import { HOUR, MINUTE as MIN, T0 } from '../../support/fixtures';

const DAY = 24 * HOUR;
/** The default CHECK_INTERVAL. */
const INTERVAL = 15 * MIN;

type Seen = 'ok' | 'access' | 'transient';

/** What a check of this kind tells the state machine (built the way the sweep builds it). */
function outcome(kind: DiagnosisKind, at: number, requestId?: string): CheckOutcome {
  return outcomeOf(diagnosisOf(kind, requestId ? { requestId } : {}), at);
}

/** A representative outcome of each class. */
function sample(seen: Seen, at: number, requestId?: string): CheckOutcome {
  const kind: DiagnosisKind =
    seen === 'ok' ? 'ok' : seen === 'access' ? 'not_shared' : 'notion_unavailable';
  return outcome(kind, at, requestId);
}

function status(state: WatchState, since = T0): WatchStatus {
  return state === 'ok'
    ? { state, since }
    : { state, since, kind: 'not_shared', requestId: 'req-before' };
}

const ALL_KINDS = Object.keys(CATEGORY_OF) as DiagnosisKind[];
const ACCESS_KINDS = ALL_KINDS.filter((kind) => CATEGORY_OF[kind] === 'access');
const TRANSIENT_KINDS = ALL_KINDS.filter(
  (kind) => CATEGORY_OF[kind] !== 'access' && CATEGORY_OF[kind] !== 'ok',
);
const STATES: WatchState[] = ['ok', 'suspect', 'failing'];

/** Runs a sequence of checks, INTERVAL apart, from `start`; returns every decision and state. */
function simulate(start: WatchStatus, seq: Seen[], from = T0 + INTERVAL) {
  let current = start;
  const decisions: Decision[] = [];
  const states: WatchStatus[] = [];
  seq.forEach((seen, index) => {
    const next = nextWatchStatus(current, sample(seen, from + index * INTERVAL, `req-${index}`));
    decisions.push(next.decision);
    states.push(next.status);
    current = next.status;
  });
  const count = (decision: Decision) => decisions.filter((d) => d === decision).length;
  return {
    decisions,
    states,
    final: current,
    alerts: count('alert'),
    recovered: count('recovered'),
  };
}

function repeat(pattern: Seen[], total: number): Seen[] {
  return Array.from({ length: total }, (_, index) => pattern[index % pattern.length] as Seen);
}

describe('the outcome classes', () => {
  it('treats exactly the lost-access diagnoses as access failures', () => {
    expect(ACCESS_KINDS.sort()).toEqual(
      [
        'in_trash',
        'not_shared',
        'restricted',
        'token_invalid',
        'token_leaked',
        'token_missing',
      ].sort(),
    );
  });

  it('counts 429, 5xx, timeouts, network, edge blocks and bad answers as transient', () => {
    for (const kind of [
      'rate_limited',
      'notion_unavailable',
      'timeout',
      'network',
      'edge_blocked',
      'bad_response',
      'invalid_input',
      'unexpected',
    ] as DiagnosisKind[]) {
      expect(TRANSIENT_KINDS).toContain(kind);
    }
  });
});

describe('outcomeOf: what the state machine reads from a diagnosis', () => {
  it('keeps the category, the kind, the request id and the time of the check', () => {
    const result = diagnosisOf('restricted', { status: 403, requestId: 'req-403', message: 'no' });
    expect(outcomeOf(result, T0 + HOUR)).toEqual({
      category: 'access',
      kind: 'restricted',
      requestId: 'req-403',
      at: T0 + HOUR,
    });
    expect(outcomeOf(diagnosisOf('timeout'), T0)).toEqual({
      category: 'transient',
      kind: 'timeout',
      requestId: undefined,
      at: T0,
    });
  });
});

describe('nextWatchStatus: the transition table', () => {
  const AT = T0 + 3 * HOUR;
  const TABLE: [WatchState, Seen, WatchState, 'unchanged' | 'now', Decision][] = [
    ['ok', 'ok', 'ok', 'unchanged', 'none'],
    ['ok', 'access', 'suspect', 'now', 'none'],
    ['ok', 'transient', 'ok', 'unchanged', 'none'],
    ['suspect', 'ok', 'ok', 'now', 'none'],
    ['suspect', 'access', 'failing', 'unchanged', 'alert'],
    ['suspect', 'transient', 'suspect', 'unchanged', 'none'],
    ['failing', 'ok', 'ok', 'now', 'recovered'],
    ['failing', 'access', 'failing', 'unchanged', 'none'],
    ['failing', 'transient', 'failing', 'unchanged', 'none'],
  ];

  it.each(TABLE)('%s + %s → %s (since: %s), decision %s', (from, seen, to, since, decision) => {
    const next = nextWatchStatus(status(from, T0), sample(seen, AT, 'req-now'));
    expect(next.decision).toBe(decision);
    expect(next.status.state).toBe(to);
    expect(next.status.since).toBe(since === 'now' ? AT : T0);
  });

  it('a confirmed failure is failing since the first failed check, not the confirming one', () => {
    const first = nextWatchStatus(status('ok', T0), outcome('not_shared', T0 + HOUR, 'req-1'));
    expect(first).toEqual({
      status: { state: 'suspect', since: T0 + HOUR, kind: 'not_shared', requestId: 'req-1' },
      decision: 'none',
    });
    const second = nextWatchStatus(first.status, outcome('not_shared', T0 + 2 * HOUR, 'req-2'));
    expect(second).toEqual({
      status: { state: 'failing', since: T0 + HOUR, kind: 'not_shared', requestId: 'req-2' },
      decision: 'alert',
    });
  });

  it('alerts with the latest diagnosis when the cause changes between the two checks', () => {
    const suspect = nextWatchStatus(status('ok'), outcome('not_shared', T0 + HOUR)).status;
    const next = nextWatchStatus(suspect, outcome('restricted', T0 + 2 * HOUR, 'req-r'));
    expect(next.decision).toBe('alert');
    expect(next.status).toMatchObject({ kind: 'restricted', requestId: 'req-r' });
  });

  it('failing keeps its since and never alerts again, whatever access error comes next', () => {
    let current: WatchStatus = status('failing', T0);
    for (const [index, kind] of ACCESS_KINDS.entries()) {
      const next = nextWatchStatus(current, outcome(kind, T0 + (index + 1) * HOUR, `req-${kind}`));
      expect(next.decision).toBe('none');
      expect(next.status).toEqual({
        state: 'failing',
        since: T0,
        kind,
        requestId: `req-${kind}`,
      });
      current = next.status;
    }
  });

  it('ok resets since to the check that saw it work and forgets the old diagnosis', () => {
    for (const from of ['suspect', 'failing'] as const) {
      const next = nextWatchStatus(status(from, T0), outcome('ok', T0 + 5 * HOUR));
      expect(next.status).toEqual({ state: 'ok', since: T0 + 5 * HOUR });
    }
  });

  it('ok stays ok since it first worked, however many checks pass', () => {
    const run = simulate(status('ok', T0), repeat(['ok'], 20));
    expect(run.final).toEqual({ state: 'ok', since: T0 });
    expect(run.decisions.every((d) => d === 'none')).toBe(true);
  });

  it('every access diagnosis moves ok to suspect', () => {
    for (const kind of ACCESS_KINDS) {
      const next = nextWatchStatus(status('ok'), outcome(kind, T0 + HOUR));
      expect(next.status.state).toBe('suspect');
      expect(next.status.kind).toBe(kind);
      expect(next.decision).toBe('none');
    }
  });
});

describe('nextWatchStatus: transient outcomes never move the state', () => {
  const cases = STATES.flatMap((state) => TRANSIENT_KINDS.map((kind) => [state, kind] as const));

  it.each(cases)('%s + %s → unchanged, no decision', (state, kind) => {
    const before = status(state, T0);
    const copy = { ...before };
    const next = nextWatchStatus(before, outcome(kind, T0 + DAY, 'req-transient'));
    expect(next.decision).toBe('none');
    expect(next.status).toEqual(copy);
    expect(before).toEqual(copy);
  });

  it('a day-long outage (96 checks of every transient kind) alerts nobody', () => {
    for (const state of STATES) {
      let current = status(state, T0);
      for (let i = 0; i < 96; i++) {
        const kind = TRANSIENT_KINDS[i % TRANSIENT_KINDS.length] as DiagnosisKind;
        const next = nextWatchStatus(current, outcome(kind, T0 + (i + 1) * INTERVAL));
        expect(next.decision).toBe('none');
        current = next.status;
      }
      expect(current).toEqual(status(state, T0));
    }
  });
});

describe('nextWatchStatus: flapping and streaks', () => {
  it('ok/access alternating for 100 checks: never confirmed, so no alert and no recovery', () => {
    for (const pattern of [
      ['ok', 'access'],
      ['access', 'ok'],
    ] as Seen[][]) {
      const run = simulate(status('ok'), repeat(pattern, 100));
      expect(run.alerts).toBe(0);
      expect(run.recovered).toBe(0);
    }
  });

  it('access/transient alternating for 100 checks: one alert (a 503 between two failures still confirms), then silence', () => {
    const run = simulate(status('ok', T0), repeat(['access', 'transient'], 100));
    expect(run.alerts).toBe(1);
    expect(run.recovered).toBe(0);
    // access (suspect), 503 (still suspect), access (confirmed): the third check alerts.
    expect(run.decisions.indexOf('alert')).toBe(2);
    expect(run.final).toMatchObject({ state: 'failing', since: T0 + INTERVAL });
  });

  it('access, 503, ok clears the suspicion: the 503 does not count as a failure', () => {
    const run = simulate(status('ok'), ['access', 'transient', 'ok', 'access', 'transient', 'ok']);
    expect(run.alerts).toBe(0);
    expect(run.final.state).toBe('ok');
  });

  it('a failing page flapping ok/access is recovered once, then never re-alerted', () => {
    const run = simulate(status('failing', T0), repeat(['ok', 'access'], 100));
    expect(run.recovered).toBe(1);
    expect(run.alerts).toBe(0);
  });

  it('a 100-check failing streak, with outages inside, alerts once and recovers once at the end', () => {
    const streak: Seen[] = repeat(['access', 'access', 'transient', 'access'], 100);
    const run = simulate(status('ok', T0), [...streak, 'ok']);
    expect(run.alerts).toBe(1);
    expect(run.decisions.indexOf('alert')).toBe(1);
    expect(run.recovered).toBe(1);
    expect(run.decisions[run.decisions.length - 1]).toBe('recovered');
    // Failing since the very first failed check, all along the streak.
    const failing = run.states.filter((s) => s.state === 'failing');
    expect(failing).toHaveLength(streak.length - 1);
    expect(failing.every((s) => s.since === T0 + INTERVAL)).toBe(true);
  });

  it('random sequences: alert and recovered strictly alternate, an alert needs two access failures with only transients between', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const classes: Seen[] = ['ok', 'access', 'transient'];
    for (let trial = 0; trial < 200; trial++) {
      const seq = Array.from({ length: 60 }, () => classes[Math.floor(random() * 3)] as Seen);
      const run = simulate(status('ok'), seq);
      let expectNext: Decision = 'alert';
      run.decisions.forEach((decision, index) => {
        if (decision === 'none') return;
        expect(decision).toBe(expectNext);
        expectNext = decision === 'alert' ? 'recovered' : 'alert';
        if (decision === 'alert') {
          expect(seq[index]).toBe('access');
          const before = seq.slice(0, index).filter((seen) => seen !== 'transient');
          expect(before[before.length - 1]).toBe('access');
        } else {
          expect(seq[index]).toBe('ok');
        }
      });
    }
  });
});

describe('initialWatchStatus: the check made when a watch is added', () => {
  const AT = T0 + 7 * MIN;

  it('ok → ok since now', () => {
    expect(initialWatchStatus(outcome('ok', AT))).toEqual({ state: 'ok', since: AT });
  });

  it('access → suspect (the next sweep confirms it before anyone is alerted)', () => {
    for (const kind of ACCESS_KINDS) {
      expect(initialWatchStatus(outcome(kind, AT, 'req-1'))).toEqual({
        state: 'suspect',
        since: AT,
        kind,
        requestId: 'req-1',
      });
    }
  });

  it('transient → ok: an outage while adding is not held against the page', () => {
    for (const kind of TRANSIENT_KINDS) {
      expect(initialWatchStatus(outcome(kind, AT))).toEqual({ state: 'ok', since: AT });
    }
  });

  it('a page added while failing alerts at the next failed sweep, failing since it was added', () => {
    const start = initialWatchStatus(outcome('not_shared', AT));
    const next = nextWatchStatus(start, outcome('not_shared', AT + INTERVAL));
    expect(next.decision).toBe('alert');
    expect(next.status.since).toBe(AT);
  });
});

describe('nextReachability', () => {
  /** Feeds sweeps (reachable or not, at given times) and returns the decisions. */
  function run(sweeps: [boolean, number][], start: Reachability = { noticePosted: false }) {
    let current = start;
    const decisions: ReachabilityDecision[] = [];
    for (const [reachable, now] of sweeps) {
      const next = nextReachability(current, reachable, now);
      decisions.push(next.decision);
      current = next.reachability;
    }
    return { decisions, final: current };
  }

  it('unreachable for less than an hour: no notice', () => {
    const sweeps: [boolean, number][] = [0, 15, 30, 45, 59].map((m) => [false, T0 + m * MIN]);
    const result = run(sweeps);
    expect(result.decisions.every((d) => d === 'none')).toBe(true);
    expect(result.final).toEqual({ unreachableSince: T0, noticePosted: false });
    // … and Notion coming back before the hour says nothing either.
    expect(nextReachability(result.final, true, T0 + 59 * MIN + 1).decision).toBe('none');
  });

  it('at one hour: exactly one "unreachable" notice, however long the outage lasts', () => {
    const sweeps: [boolean, number][] = Array.from({ length: 97 }, (_, i) => [
      false,
      T0 + i * INTERVAL,
    ]);
    const result = run(sweeps);
    expect(result.decisions.filter((d) => d === 'post_unreachable')).toHaveLength(1);
    expect(result.decisions.indexOf('post_unreachable')).toBe(4); // T0 + 60 min
    expect(result.decisions.filter((d) => d !== 'none' && d !== 'post_unreachable')).toEqual([]);
    expect(result.final).toEqual({ unreachableSince: T0, noticePosted: true });
  });

  it('reachable again after the notice: exactly one "back" notice, then quiet', () => {
    const result = run([
      [false, T0],
      [false, T0 + HOUR],
      [false, T0 + 2 * HOUR],
      [true, T0 + 3 * HOUR],
      [true, T0 + 4 * HOUR],
      [true, T0 + 5 * HOUR],
    ]);
    expect(result.decisions).toEqual([
      'none',
      'post_unreachable',
      'none',
      'post_back',
      'none',
      'none',
    ]);
    expect(result.final).toEqual({ noticePosted: false });
  });

  it('reachable without a prior notice: nothing, and the outage clock restarts', () => {
    const result = run([
      [false, T0],
      [false, T0 + 45 * MIN],
      [true, T0 + 50 * MIN],
      [false, T0 + 55 * MIN],
      [false, T0 + 100 * MIN],
    ]);
    // 100 min after the first failure, but only 45 min of the second unbroken run.
    expect(result.decisions).toEqual(['none', 'none', 'none', 'none', 'none']);
    expect(result.final).toEqual({ unreachableSince: T0 + 55 * MIN, noticePosted: false });
  });

  it('a second outage gets its own single pair of notices', () => {
    const result = run([
      [false, T0],
      [false, T0 + HOUR],
      [true, T0 + 2 * HOUR],
      [false, T0 + 3 * HOUR],
      [false, T0 + 4 * HOUR],
      [false, T0 + 5 * HOUR],
      [true, T0 + 6 * HOUR],
    ]);
    expect(result.decisions).toEqual([
      'none',
      'post_unreachable',
      'post_back',
      'none',
      'post_unreachable',
      'none',
      'post_back',
    ]);
  });

  it('resumes from saved state (after a restart) without repeating the notice', () => {
    const saved: Reachability = { unreachableSince: T0, noticePosted: true };
    expect(nextReachability(saved, false, T0 + 5 * HOUR).decision).toBe('none');
    expect(nextReachability(saved, true, T0 + 5 * HOUR).decision).toBe('post_back');
  });
});
