/**
 * Alerts of "watch all" (scope 'inventory'): one per channel watching everything of the
 * connection, per loss event (one sweep's confirmed losses, 404s and trash apart), naming the
 * roots of the loss (inventory.ts lossRoots). Pure; monitor/inventory.ts does the I/O.
 *
 * An open inventory alert, after each sweep or re-check (inventoryAlertProgress):
 *   its items (details.items)                        | action
 *   -------------------------------------------------+-----------------------------------------
 *   none still failing (back, or not in the inventory)| resolve (recovery in its thread)
 *   some came back just now, others still failing    | redraw: roots of what is still lost
 *   no change                                        | none
 */
import type { Alert, AlertDetails, AlertedRoot, NewAlert } from './alert';
import {
  type InventoryEntry,
  type InventoryLoss,
  idKey,
  type LossRef,
  lossRoots,
  summarise,
  treeOf,
} from './inventory';

/** At most this many roots are named in an alert; the rest are counted (Block Kit limits). */
export const MAX_ALERT_ROOTS = 10;
/** Request ids kept with an alert (what Notion support asks for): a few are enough. */
export const MAX_ALERT_REQUEST_IDS = 5;

export interface InventoryAlertFacts {
  connection: string;
  integrationName?: string;
  fingerprint?: string;
}

/** The roots part of an inventory alert's details for these lost items (ids as stored). */
export function lossDetails(
  lostIds: readonly string[],
  known: readonly InventoryEntry[],
  maxRoots: number = MAX_ALERT_ROOTS,
): Pick<AlertDetails, 'roots' | 'moreRoots' | 'morePages'> {
  const { parents, titles, types } = treeOf(known.map((entry) => entry.item));
  const urls = new Map(known.map((entry) => [entry.item.id, entry.item.url]));
  const summary = summarise(lossRoots(new Set(lostIds), parents, titles, types), maxRoots);
  const titled = (ref: LossRef) => ({
    id: ref.id,
    title: ref.title || ref.id,
    ...(urls.get(ref.id) !== undefined && { url: urls.get(ref.id) }),
  });
  const roots: AlertedRoot[] = summary.shown.map((root) => ({
    ...titled(root.root),
    type: root.root.type ?? 'page',
    inside: root.inside,
    examples: root.examples.map(titled),
  }));
  return { roots, moreRoots: summary.moreRoots, morePages: summary.morePages };
}

/**
 * One sweep's confirmed losses → one alert per channel watching all (`channels`) and per kind:
 * 'not_shared' for 404/403s, 'in_trash' for pages moved to trash.
 */
export function inventoryLossAlerts(
  losses: { lost: readonly InventoryLoss[]; trashed: readonly InventoryLoss[] },
  known: readonly InventoryEntry[],
  channels: readonly string[],
  facts: InventoryAlertFacts,
  extra: Pick<AlertDetails, 'trashedBy'> = {},
): NewAlert[] {
  const groups = [
    { kind: 'not_shared' as const, items: losses.lost },
    { kind: 'in_trash' as const, items: losses.trashed },
  ].filter((group) => group.items.length > 0);
  return groups.flatMap(({ kind, items }) => {
    const ids = items.map((loss) => loss.entry.item.id);
    const requestIds = [
      ...new Set(items.flatMap((loss) => (loss.status.requestId ? [loss.status.requestId] : []))),
    ].slice(0, MAX_ALERT_REQUEST_IDS);
    const details: AlertDetails = {
      watches: [],
      ...lossDetails(ids, known),
      items: ids,
      requestIds,
      integrationName: facts.integrationName,
      fingerprint: facts.fingerprint,
      ...(kind === 'in_trash' && extra.trashedBy !== undefined && { trashedBy: extra.trashedBy }),
    };
    const failingSince = Math.min(...items.map((loss) => loss.status.since));
    return [...new Set(channels)].map((channelId) => ({
      connection: facts.connection,
      channelId,
      scope: 'inventory' as const,
      kind,
      failingSince,
      details,
    }));
  });
}

export type InventoryAlertAction =
  | { action: 'resolve' }
  | { action: 'redraw'; details: AlertDetails }
  | { action: 'none' };

/** What an open inventory alert needs now (the table at the top). */
export function inventoryAlertProgress(
  alert: Alert,
  known: readonly InventoryEntry[],
  recoveredNow: ReadonlySet<string>,
): InventoryAlertAction {
  const byKey = new Map(known.map((entry) => [idKey(entry.item.id), entry]));
  const items = alert.details.items ?? [];
  const stillLost = items.flatMap((id) => {
    const entry = byKey.get(idKey(id));
    return entry?.status.state === 'failing' ? [entry.item.id] : [];
  });
  if (stillLost.length === 0) return { action: 'resolve' };
  const recovered = [...recoveredNow].map(idKey);
  const keys = new Set(items.map(idKey));
  if (!recovered.some((key) => keys.has(key))) return { action: 'none' };
  return { action: 'redraw', details: { ...alert.details, ...lossDetails(stillLost, known) } };
}
