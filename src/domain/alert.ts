/**
 * An alert tells a channel once that access was lost, and again when it is back. The rules
 * here decide how losses group into alerts and what an open alert needs at each sweep; the
 * monitor does the I/O.
 */
import type { CheckRun } from './check';
import type { DiagnosisKind } from './diagnosis';
import type { Watch, WatchStatus } from './watch';

/** How an alert lists a watch: kept with the alert, so it can be redrawn after a restart. */
export interface AlertedWatch {
  id: number;
  title: string;
  url?: string;
  resourceId: string;
}

/** A root of a watch-all loss (scope 'inventory'): the highest lost item and what is inside it. */
export interface AlertedRoot {
  id: string;
  title: string;
  url?: string;
  type: 'page' | 'database' | 'data_source';
  /** Lost items inside it, the root not included. */
  inside: number;
  /** A few of them (id, title, url), shallowest first. */
  examples: { id: string; title: string; url?: string }[];
}

export interface AlertDetails {
  /** Scope 'connection' and 'resources': the watches it lists. Empty for 'inventory'. */
  watches: AlertedWatch[];
  /** Scope 'inventory': the roots shown (at most a few; the rest are only counted). */
  roots?: AlertedRoot[];
  /** Scope 'inventory': every lost item's id (recovery is when all are back, or forgotten). */
  items?: string[];
  /** Scope 'inventory': roots not shown, and the items in them. */
  moreRoots?: number;
  morePages?: number;
  /** Who moved it to trash, when Notion said (a webhook event's authors). */
  trashedBy?: string;
  requestIds: string[];
  integrationName?: string;
  fingerprint?: string;
  /**
   * Set when the alert closed without access coming back: its pages were removed from the
   * watch list (or "unwatch all"), or its connection was removed (`disconnect`).
   */
  closedBecause?: 'unwatched' | 'disconnected';
}

export interface Alert {
  id: string;
  /** The channel whose watches lost access. */
  channelId: string;
  /** Where the alert was posted (ALERT_CHANNEL when the bot could not post in channelId). */
  postedChannel?: string;
  ts?: string;
  connection: string;
  /**
   * 'connection': the token failed, every watch with it; 'resources': some watched pages;
   * 'inventory': items of a "watch all" inventory, grouped by their highest lost ancestor.
   */
  scope: 'connection' | 'resources' | 'inventory';
  kind: DiagnosisKind;
  status: 'open' | 'resolved';
  openedAt: number;
  failingSince: number;
  acknowledgedBy?: string;
  acknowledgedAt?: number;
  snoozedBy?: string;
  snoozedUntil?: number;
  lastReminderAt?: number;
  resolvedAt?: number;
  details: AlertDetails;
}

export type NewAlert = Pick<
  Alert,
  'connection' | 'channelId' | 'scope' | 'kind' | 'failingSince' | 'details'
>;

export const REMINDER_EVERY_MS = 24 * 60 * 60_000;
export const SNOOZE_MS = 24 * 60 * 60_000;

export function alertedWatch(watch: Watch): AlertedWatch {
  return {
    id: watch.id,
    title: watch.title ?? watch.resourceId,
    url: watch.url,
    resourceId: watch.resourceId,
  };
}

export function openAlert(input: NewAlert, id: string, now: number): Alert {
  return { ...input, id, status: 'open', openedAt: now };
}

export function isSnoozed(alert: Alert, now: number): boolean {
  return alert.snoozedUntil !== undefined && now < alert.snoozedUntil;
}

/**
 * A reminder every 24 h while failing, unless someone acknowledged it or it is snoozed. When a
 * snooze ends, an overdue reminder comes at once: "snooze 24 h" means 24 h, not 48.
 */
export function reminderDue(alert: Alert, now: number): boolean {
  if (alert.acknowledgedAt !== undefined) return false;
  if (isSnoozed(alert, now)) return false;
  return now - (alert.lastReminderAt ?? alert.openedAt) >= REMINDER_EVERY_MS;
}

/** A watch whose loss this sweep confirmed. */
export interface ConfirmedLoss {
  watch: Watch;
  status: WatchStatus;
}

/** Same channel, same cause, same sweep: one alert listing them all. */
export function groupLosses(
  losses: ConfirmedLoss[],
  facts: { connection: string; integrationName?: string; fingerprint?: string },
): NewAlert[] {
  const kindOf = (loss: ConfirmedLoss) => loss.status.kind ?? 'not_shared';
  const groups = new Map<string, ConfirmedLoss[]>();
  for (const loss of losses) {
    const key = `${loss.watch.channelId}|${kindOf(loss)}`;
    groups.set(key, [...(groups.get(key) ?? []), loss]);
  }
  return [...groups.values()].flatMap((group) => {
    const first = group[0];
    if (!first) return [];
    return [
      {
        connection: facts.connection,
        channelId: first.watch.channelId,
        scope: 'resources' as const,
        kind: kindOf(first),
        failingSince: Math.min(...group.map((loss) => loss.status.since)),
        details: {
          watches: group.map((loss) => alertedWatch(loss.watch)),
          requestIds: group.flatMap((loss) =>
            loss.status.requestId ? [loss.status.requestId] : [],
          ),
          integrationName: facts.integrationName,
          fingerprint: facts.fingerprint,
        },
      },
    ];
  });
}

/**
 * A failing token: one alert per channel that watches anything with it, its pages or (`watchingAll`)
 * everything it can see.
 */
export function tokenLossAlerts(
  watches: Watch[],
  status: WatchStatus,
  facts: { connection: string; fingerprint?: string; integrationName?: string },
  watchingAll: readonly string[] = [],
): NewAlert[] {
  const channels = [...new Set([...watches.map((watch) => watch.channelId), ...watchingAll])];
  return channels.map((channelId) => ({
    connection: facts.connection,
    channelId,
    scope: 'connection',
    kind: status.kind ?? 'token_invalid',
    failingSince: status.since,
    details: {
      watches: watches.filter((watch) => watch.channelId === channelId).map(alertedWatch),
      requestIds: status.requestId ? [status.requestId] : [],
      integrationName: facts.integrationName,
      fingerprint: facts.fingerprint,
    },
  }));
}

/**
 * Whether nobody watches what an open alert is about any more: its watches were all removed, or
 * (inventory alerts, and token alerts of a channel that watches all) its channel stopped
 * watching everything of the connection (`subscribed` false).
 *
 *   scope      | unwatched when
 *   -----------+--------------------------------------------------
 *   resources  | none of its watches is left
 *   connection | none of its watches is left and not subscribed
 *   inventory  | not subscribed
 */
export function isUnwatched(alert: Alert, members: Watch[], subscribed: boolean): boolean {
  switch (alert.scope) {
    case 'resources':
      return members.length === 0;
    case 'connection':
      return members.length === 0 && !subscribed;
    case 'inventory':
      return !subscribed;
  }
}

/**
 * What an open alert needs at the end of a sweep, given the watches it lists that are still
 * watched and whether its channel still watches all of the connection: closed (unwatched, see
 * isUnwatched), posted (Slack was down when it opened), reminded, or nothing.
 */
export function openAlertChore(
  alert: Alert,
  members: Watch[],
  now: number,
  subscribed = false,
): 'close_unwatched' | 'post' | 'remind' | 'none' {
  if (isUnwatched(alert, members, subscribed)) return 'close_unwatched';
  if (!alert.ts) return 'post';
  return reminderDue(alert, now) ? 'remind' : 'none';
}

/** After some of its watches recovered: resolve the alert once all of them work again. */
export function afterRecovery(members: Watch[]): 'resolve' | 'redraw' {
  return members.every((watch) => watch.status.state === 'ok') ? 'resolve' : 'redraw';
}

const compactId = (id: string) => id.replace(/-/g, '').toLowerCase();

/**
 * The run's resources with the titles and links the alert kept: a page the integration lost
 * answers 404, so Notion no longer tells us its name, but the alert saw it when it was shared.
 */
export function withKnownTitles(run: CheckRun, alert: Alert): CheckRun {
  const known = new Map<string, { title: string; url?: string }>();
  for (const watch of alert.details.watches) {
    if (watch.title !== watch.resourceId) known.set(compactId(watch.resourceId), watch);
  }
  for (const root of alert.details.roots ?? []) known.set(compactId(root.id), root);
  const resources = run.resources.map((resource) => {
    const seen = resource.id && !resource.title ? known.get(compactId(resource.id)) : undefined;
    return seen ? { ...resource, title: seen.title, url: resource.url ?? seen.url } : resource;
  });
  return { ...run, resources };
}
