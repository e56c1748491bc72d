/**
 * The App Home tab (PRODUCT.md, "App Home"): what one viewer may see, the 14-day strip of each
 * watch, and how much of it one Home view shows. Pure: services/home.ts gathers the facts,
 * slack/blocks/home.ts says them.
 *
 * Who sees what: the watches, alerts and walkthroughs of public channels, and of the private
 * channels the viewer is in. A channel Slack told us nothing about (a failed lookup) is
 * hidden: the Home shows less, never more.
 *
 * The strip: every check result is a verdict — access (ok), access lost (lost: category
 * `access`), or none (unsure: Notion or the network failed, or an unexpected answer). Each day's
 * square is the worst state the confirmation rule (domain/watch.ts) reached that day, counted
 * in runs of lost verdicts (unsure ones neither count nor break a run; a run carries over
 * midnight):
 *
 *   longest run of lost verdicts that day | ok verdicts | unsure | square
 *   --------------------------------------+-------------+--------+--------------------------
 *   ≥ 2                                   | any         | any    | failing
 *   1                                     | any         | any    | suspect
 *   0                                     | ≥ 1         | any    | ok
 *   0                                     | 0           | ≥ 1    | unsure
 *   0                                     | 0           | 0      | none (not checked)
 */
import type { Alert } from './alert';
import type { ConnectionOverview } from './connection';
import type { DiagnosisCategory } from './diagnosis';
import { idKey, type WatchAllSummary } from './inventory';
import type { WalkthroughRecord } from './walkthrough';
import type { Watch, WatchState } from './watch';

// ---- the strip ------------------------------------------------------------------------------

export const STRIP_DAYS = 14;
export const DAY_MS = 24 * 60 * 60_000;

/** Days since 1970-01-01 in UTC: `utcDay(Date.UTC(2024, 0, 2))` → 19724. */
export function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

export type Verdict = 'ok' | 'lost' | 'unsure';

/** `access` → lost, `ok` → ok; Notion's trouble, typos and surprises give no verdict. */
export function verdictOf(category: DiagnosisCategory | string): Verdict {
  if (category === 'ok') return 'ok';
  if (category === 'access') return 'lost';
  return 'unsure';
}

/** One target's check results of one UTC day, rolled up. */
export interface CheckDay {
  day: number;
  ok: number;
  lost: number;
  unsure: number;
  /** Lost verdicts in a row at the day's latest verdict (carried into the next day). */
  streak: number;
  /** The longest such run reached during the day. */
  longest: number;
}

/**
 * `previous` (that day's roll-up, or the latest day before it) plus one more result on `day`.
 * `rollUp(undefined, d, 'lost')` → `{ lost: 1, streak: 1, longest: 1 }` (suspect);
 * the next `lost`, even the day after, makes `longest: 2` (failing); an `ok` resets the run.
 */
export function rollUp(previous: CheckDay | undefined, day: number, verdict: Verdict): CheckDay {
  const base: CheckDay =
    previous?.day === day
      ? previous
      : { day, ok: 0, lost: 0, unsure: 0, streak: previous?.streak ?? 0, longest: 0 };
  const streak = verdict === 'lost' ? base.streak + 1 : verdict === 'ok' ? 0 : base.streak;
  return {
    ...base,
    [verdict]: base[verdict] + 1,
    streak,
    longest: verdict === 'lost' ? Math.max(base.longest, streak) : base.longest,
  };
}

/** A square of the strip: the watch states, and the two kinds of "no verdict". */
export type DayState = 'none' | 'unsure' | WatchState;

/** The worst state of the day (the table at the top of this file). */
export function dayState(day: CheckDay | undefined): DayState {
  if (!day) return 'none';
  if (day.longest >= 2) return 'failing';
  if (day.longest === 1) return 'suspect';
  if (day.ok > 0) return 'ok';
  return day.unsure > 0 ? 'unsure' : 'none';
}

/** The last `length` days up to `today` (UTC day numbers), oldest first; unchecked days `none`. */
export function stripOf(days: CheckDay[], today: number, length = STRIP_DAYS): DayState[] {
  const byDay = new Map(days.map((each) => [each.day, each]));
  return Array.from({ length }, (_, index) => dayState(byDay.get(today - length + 1 + index)));
}

/** How check results and watches meet: the connection and the Notion id, dashes and case aside. */
export function stripKey(connection: string, target: string): string {
  return `${connection}:${idKey(target)}`;
}

// ---- who sees what --------------------------------------------------------------------------

export type ChannelKind = 'public' | 'private';

/** What Slack told us about the viewer and the channels; missing means it could not say. */
export interface ViewerChannels {
  /** The private channels the viewer is in; undefined when that lookup failed. */
  memberOf?: ReadonlySet<string>;
  /** Public or private, per channel; a channel missing here could not be looked up. */
  kinds: ReadonlyMap<string, ChannelKind>;
}

/** A public channel, or one the viewer is in. Anything unknown is hidden. */
export function canSee(channelId: string, viewer: ViewerChannels): boolean {
  return viewer.memberOf?.has(channelId) === true || viewer.kinds.get(channelId) === 'public';
}

/** Where an open walkthrough lives (its record is read only for those shown). */
export interface WalkthroughPlace {
  id: string;
  channelId: string;
}

/** Everything open in the workspace, before anyone looks at it. */
export interface Workspace {
  watches: Watch[];
  /** "Watch all" subscriptions, with the channel each belongs to. */
  everything: (WatchAllSummary & { channelId: string })[];
  alerts: Alert[];
  /** Open and escalated walkthroughs, the latest changed first. */
  walkthroughs: WalkthroughPlace[];
}

/** The channels Home needs to know about: where watches, alerts and walkthroughs live. */
export function channelsOf(workspace: Workspace): string[] {
  return [
    ...new Set([
      ...workspace.watches.map((watch) => watch.channelId),
      ...workspace.everything.map((subscription) => subscription.channelId),
      ...workspace.alerts.flatMap((alert) =>
        alert.postedChannel ? [alert.channelId, alert.postedChannel] : [alert.channelId],
      ),
      ...workspace.walkthroughs.map((walkthrough) => walkthrough.channelId),
    ]),
  ].sort();
}

/** One channel's part of the Home: its "watch all" lines and its watches, worst first. */
export interface ChannelWatches {
  channelId: string;
  everything: WatchAllSummary[];
  watches: Watch[];
}

const SEVERITY: Record<WatchState, number> = { failing: 0, suspect: 1, ok: 2 };

/** Failing first (the longest failing first), then suspect, then ok; then by title. */
export function byConcern(a: Watch, b: Watch): number {
  return (
    SEVERITY[a.status.state] - SEVERITY[b.status.state] ||
    (a.status.state === 'ok' ? 0 : a.status.since - b.status.since) ||
    (a.title ?? a.resourceId).localeCompare(b.title ?? b.resourceId) ||
    a.id - b.id
  );
}

function countState(watches: Watch[], state: WatchState): number {
  return watches.filter((watch) => watch.status.state === state).length;
}

/** Channels with failing watches first, then with suspect ones, then by channel id. */
function byChannelConcern(a: ChannelWatches, b: ChannelWatches): number {
  return (
    countState(b.watches, 'failing') - countState(a.watches, 'failing') ||
    countState(b.watches, 'suspect') - countState(a.watches, 'suspect') ||
    (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0)
  );
}

/** Open alerts the viewer can see: its channel's, and where it was posted (if elsewhere). */
function alertVisible(alert: Alert, viewer: ViewerChannels): boolean {
  return (
    alert.status === 'open' &&
    canSee(alert.channelId, viewer) &&
    (alert.postedChannel === undefined || canSee(alert.postedChannel, viewer))
  );
}

/** Nobody on it first, then the oldest loss. */
function byAlertConcern(a: Alert, b: Alert): number {
  return (
    Number(a.acknowledgedBy !== undefined) - Number(b.acknowledgedBy !== undefined) ||
    a.failingSince - b.failingSince ||
    (a.id < b.id ? -1 : 1)
  );
}

/** What this viewer may see of the workspace, grouped and ordered. */
export interface Visible {
  channels: ChannelWatches[];
  alerts: Alert[];
  walkthroughs: WalkthroughPlace[];
}

export function visibleTo(workspace: Workspace, viewer: ViewerChannels): Visible {
  const groups = new Map<string, ChannelWatches>();
  const group = (channelId: string) => {
    let found = groups.get(channelId);
    if (!found) {
      found = { channelId, everything: [], watches: [] };
      groups.set(channelId, found);
    }
    return found;
  };
  for (const watch of workspace.watches) {
    if (canSee(watch.channelId, viewer)) group(watch.channelId).watches.push(watch);
  }
  for (const { channelId, ...summary } of workspace.everything) {
    if (canSee(channelId, viewer)) group(channelId).everything.push(summary);
  }
  for (const each of groups.values()) each.watches.sort(byConcern);
  return {
    channels: [...groups.values()].sort(byChannelConcern),
    alerts: workspace.alerts.filter((alert) => alertVisible(alert, viewer)).sort(byAlertConcern),
    walkthroughs: workspace.walkthroughs.filter((each) => canSee(each.channelId, viewer)),
  };
}

// ---- what one view shows --------------------------------------------------------------------

/**
 * At most this much on one Home view (Slack allows 100 blocks): the first items of each list,
 * the rest counted. Watches get the lines left once channels are capped; slack/blocks/home.ts
 * asks for fewer (`cutWatches`) when long lines need more sections than that.
 */
export const HOME_LIMITS = {
  connections: 20,
  alerts: 10,
  walkthroughs: 10,
  /** "Watch all" lines per channel. */
  everything: 3,
  watchLines: 60,
  channels: 15,
} as const;

/** The first `max` items, and how many more there are. */
export interface Listed<T> {
  shown: T[];
  more: number;
}

export function listed<T>(items: T[], max: number): Listed<T> {
  const shown = items.slice(0, Math.max(0, max));
  return { shown, more: items.length - shown.length };
}

/** An open alert as Home lists it: the link to its message, when Slack gave one. */
export interface HomeAlert {
  alert: Alert;
  link?: string;
}

export interface HomeWalkthrough {
  walkthrough: WalkthroughRecord;
  link?: string;
}

/** Everything one viewer's Home shows, before the cut of its watches. */
export interface Home {
  viewer: string;
  /** Admins get the `Add connection` button. */
  admin: boolean;
  /** The name the `Add connection` field starts with: `default` while it has no token. */
  suggestedName?: string;
  connections: ConnectionOverview[];
  channels: ChannelWatches[];
  /** By stripKey(connection, resource id): the 14 squares, oldest first. */
  strips: ReadonlyMap<string, DayState[]>;
  alerts: Listed<HomeAlert>;
  walkthroughs: Listed<HomeWalkthrough>;
  /** Lookups that failed: what depends on them is hidden, and the Home says so. */
  unknown: { membership: boolean; channels: boolean };
  now: number;
}

/** One channel as shown: its first watches, the rest counted. */
export interface ChannelCut {
  channelId: string;
  everything: Listed<WatchAllSummary>;
  shown: Watch[];
  /** Watches of this channel not shown. */
  more: number;
  total: number;
  failing: number;
  suspect: number;
}

export interface WatchesCut {
  channels: ChannelCut[];
  /** Channels not shown at all, and their watches. */
  moreChannels: number;
  moreWatches: number;
}

/**
 * The watches one view shows: the first `channels` channels (worst first), and `lines`
 * watches shared among them in turns (each channel's worst first), so one big channel never
 * hides the others. Everything left out is counted, per channel and in all.
 */
export function cutWatches(
  groups: ChannelWatches[],
  limits: { lines: number; channels: number },
): WatchesCut {
  const kept = groups.slice(0, Math.max(0, limits.channels));
  const quota = kept.map(() => 0);
  let left = Math.max(0, limits.lines);
  let gave = true;
  while (left > 0 && gave) {
    gave = false;
    kept.forEach((group, index) => {
      if (left > 0 && (quota[index] ?? 0) < group.watches.length) {
        quota[index] = (quota[index] ?? 0) + 1;
        left -= 1;
        gave = true;
      }
    });
  }
  const hidden = groups.slice(kept.length);
  return {
    channels: kept.map((group, index) => {
      const shown = group.watches.slice(0, quota[index] ?? 0);
      return {
        channelId: group.channelId,
        everything: listed(group.everything, HOME_LIMITS.everything),
        shown,
        more: group.watches.length - shown.length,
        total: group.watches.length,
        failing: countState(group.watches, 'failing'),
        suspect: countState(group.watches, 'suspect'),
      };
    }),
    moreChannels: hidden.length,
    moreWatches: hidden.reduce((sum, group) => sum + group.watches.length, 0),
  };
}
