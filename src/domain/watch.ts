/**
 * A watched page or database, and what one scheduled check means for it (or for a
 * connection's token), as pure functions of the previous state. An access failure is
 * confirmed by the next check before it alerts; transient outcomes (429, 5xx, timeouts,
 * network, edge blocks) never move the state.
 *
 *   state    | outcome  | next     | decision
 *   ---------+----------+----------+---------------------------------------------
 *   ok       | ok       | ok       | —
 *   ok       | access   | suspect  | — (wait for the next check to confirm)
 *   suspect  | ok       | ok       | — (a blip: nobody is bothered)
 *   suspect  | access   | failing  | alert
 *   failing  | access   | failing  | — (reminders are decided per alert)
 *   failing  | ok       | ok       | recovered
 *   any      | transient| same     | — (Notion's trouble, not lost access)
 *
 * A check triggered by a Notion webhook event is the second signal itself (confirmedByEvent):
 *   ok       | access   | failing  | alert (the event and the check confirm each other)
 *   (every other row as above)
 */
import type { Diagnosis, DiagnosisCategory, DiagnosisKind } from './diagnosis';

export type WatchState = 'ok' | 'suspect' | 'failing';

export interface WatchStatus {
  state: WatchState;
  /** When the current state began (for "failing since"). */
  since: number;
  /** The access diagnosis while suspect or failing. */
  kind?: DiagnosisKind;
  requestId?: string;
}

export interface Watch {
  id: number;
  channelId: string;
  connection: string;
  resourceId: string;
  resourceType: string;
  title?: string;
  url?: string;
  addedBy: string;
  addedAt: number;
  status: WatchStatus;
  lastCheckedAt?: number;
  lastKind?: DiagnosisKind;
}

export type NewWatch = Omit<Watch, 'id' | 'lastCheckedAt' | 'lastKind'>;

/** A channel may watch at most this many pages. */
export const MAX_WATCHES_PER_CHANNEL = 200;
/** One person may have added at most this many watches, across every channel. */
export const MAX_WATCHES_PER_USER = 100;
/** The workspace (every channel together) may have at most this many watches. */
export const MAX_WATCHES_PER_WORKSPACE = 2_000;

export type WatchCapScope = 'channel' | 'user' | 'workspace';

/** How many watches there are now: in the channel, added by the person, in the workspace. */
export type WatchCounts = Record<WatchCapScope, number>;

export const WATCH_CAPS: WatchCounts = {
  channel: MAX_WATCHES_PER_CHANNEL,
  user: MAX_WATCHES_PER_USER,
  workspace: MAX_WATCHES_PER_WORKSPACE,
};

/**
 * The first cap that `adding` new watches would pass (channel, then person, then workspace),
 * with its numbers; undefined when all three leave room.
 */
export function passedWatchCap(
  counts: WatchCounts,
  adding: number,
  caps: WatchCounts = WATCH_CAPS,
): { scope: WatchCapScope; watched: number; adding: number; limit: number } | undefined {
  const scopes: WatchCapScope[] = ['channel', 'user', 'workspace'];
  const scope = scopes.find((each) => adding > 0 && counts[each] + adding > caps[each]);
  return scope && { scope, watched: counts[scope], adding, limit: caps[scope] };
}

export interface CheckOutcome {
  category: DiagnosisCategory;
  kind: DiagnosisKind;
  requestId?: string;
  at: number;
}

export function outcomeOf(diagnosis: Diagnosis, at: number): CheckOutcome {
  return {
    category: diagnosis.category,
    kind: diagnosis.kind,
    requestId: diagnosis.detail.requestId,
    at,
  };
}

export type Decision = 'none' | 'alert' | 'recovered';

export interface WatchTransition {
  status: WatchStatus;
  decision: Decision;
}

/** Everything that is not clearly "works" or "lost access" leaves the state alone. */
function classify(outcome: CheckOutcome): 'ok' | 'access' | 'transient' {
  if (outcome.category === 'ok') return 'ok';
  if (outcome.category === 'access') return 'access';
  return 'transient';
}

export function nextWatchStatus(current: WatchStatus, outcome: CheckOutcome): WatchTransition {
  const seen = classify(outcome);
  if (seen === 'transient') return { status: current, decision: 'none' };
  if (seen === 'ok') {
    if (current.state === 'ok') return { status: current, decision: 'none' };
    return {
      status: { state: 'ok', since: outcome.at },
      decision: current.state === 'failing' ? 'recovered' : 'none',
    };
  }
  const failure = { kind: outcome.kind, requestId: outcome.requestId };
  switch (current.state) {
    case 'ok':
      return { status: { state: 'suspect', since: outcome.at, ...failure }, decision: 'none' };
    case 'suspect':
      return { status: { state: 'failing', since: current.since, ...failure }, decision: 'alert' };
    case 'failing':
      return { status: { ...current, ...failure }, decision: 'none' };
  }
}

/**
 * A check a Notion webhook event triggered: the event and the check are two signals, so a loss
 * it finds alerts at once (ok → failing) instead of waiting for the next sweep.
 */
export function confirmedByEvent(current: WatchStatus, outcome: CheckOutcome): WatchTransition {
  const first = nextWatchStatus(current, outcome);
  if (current.state !== 'ok' || first.status.state !== 'suspect') return first;
  return nextWatchStatus(first.status, outcome);
}

/** The state a new watch starts in, from the check made when it was added. */
export function initialWatchStatus(outcome: CheckOutcome): WatchStatus {
  const start: WatchStatus = { state: 'ok', since: outcome.at };
  return nextWatchStatus(start, outcome).status;
}

export const UNREACHABLE_NOTICE_AFTER_MS = 60 * 60_000;

/** Whether Notion answers a connection's sweeps at all (outages are told, once each way). */
export interface Reachability {
  /** First transient sweep of an unbroken run of them. */
  unreachableSince?: number;
  /** Set once the "unreachable" notice went out, until the "back" notice. */
  noticePosted: boolean;
}

export type ReachabilityDecision = 'none' | 'post_unreachable' | 'post_back';

/** One notice after an hour without Notion, one when it answers again; never more. */
export function nextReachability(
  current: Reachability,
  reachable: boolean,
  now: number,
): { reachability: Reachability; decision: ReachabilityDecision } {
  if (reachable) {
    return {
      reachability: { noticePosted: false },
      decision: current.noticePosted ? 'post_back' : 'none',
    };
  }
  const since = current.unreachableSince ?? now;
  const due = !current.noticePosted && now - since >= UNREACHABLE_NOTICE_AFTER_MS;
  return {
    reachability: { unreachableSince: since, noticePosted: current.noticePosted || due },
    decision: due ? 'post_unreachable' : 'none',
  };
}

/** A connection's token status and reachability, kept between sweeps. */
export interface ConnectionHealth {
  connection: string;
  status: WatchStatus;
  reachability: Reachability;
  lastSweepAt?: number;
}
