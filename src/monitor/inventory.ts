/**
 * The "watch all" part of a connection's sweep (PRODUCT.md, "Watching everything an integration
 * can see"), and of a webhook's re-check: list what the token can see, ask Notion directly only
 * about what the listing did not show, move each item through the confirmation rule, then open,
 * redraw and resolve inventory alerts. Decisions: domain/inventory.ts, domain/inventoryAlerts.ts.
 */
import { type CheckRun, type ResourceCheck, uncheckedResources } from '../domain/check';
import { diagnosisOf, isTransient } from '../domain/diagnosis';
import {
  type InventoryEntry,
  type InventoryItem,
  idKey,
  passOver,
  toConfirm,
} from '../domain/inventory';
import {
  type InventoryAlertFacts,
  inventoryAlertProgress,
  inventoryLossAlerts,
} from '../domain/inventoryAlerts';
import { type CheckOutcome, outcomeOf, type Watch } from '../domain/watch';
import type { CheckSession, Listing } from '../services/checkSession';
import type { CheckService } from '../services/checks';
import type { Repos } from '../store/store';
import type { AlertDesk } from './alertDesk';

/** What one sweep saw of the inventory, before anything is stored. */
export interface InventoryObservation {
  known: InventoryEntry[];
  listing: Listing;
  /** Direct checks of known items, by their stored id. */
  checks: Map<string, CheckOutcome>;
}

export interface InventoryMonitorDeps {
  store: Repos;
  checks: CheckService;
  desk: AlertDesk;
  now: () => number;
}

export class InventoryMonitor {
  constructor(private readonly deps: InventoryMonitorDeps) {}

  /**
   * users.me, the listing, then one direct request per known item the listing did not show and
   * per explicit watch it did not show either (a listed watch needs none: it is ok). With a bad
   * token nothing is listed (the token's alert covers it). The run holds the token and the
   * watches' results, as CheckService.run would have.
   */
  async observe(
    connection: string,
    watches: readonly Watch[],
  ): Promise<{ run: CheckRun; inventory?: InventoryObservation }> {
    const session = await this.deps.checks.session(connection);
    const targets = [...new Set(watches.map((watch) => watch.resourceId))];
    const token = await session.checkToken();
    if (token.diagnosis.kind !== 'ok') {
      return { run: await session.finish(token, uncheckedResources(targets, token.diagnosis)) };
    }
    const known = await this.deps.store.inventory.all(connection);
    const listing = await session.list(known.length);
    // Notion in trouble: thousands of direct requests would only get the same answer.
    const confirm =
      listing.failure && isTransient(listing.failure)
        ? []
        : toConfirm(known, listing.items, listing.complete);
    const { checks, resources } = await this.checkUnlisted(session, listing, confirm, targets);
    const run = await session.finish(token, resources);
    return { run, inventory: { known, listing, checks } };
  }

  private async checkUnlisted(
    session: CheckSession,
    listing: Listing,
    confirm: InventoryItem[],
    targets: string[],
  ) {
    const listed = new Map(
      listing.items.filter((item) => !item.inTrash).map((item) => [idKey(item.id), item]),
    );
    const confirming = new Set(confirm.map((item) => idKey(item.id)));
    const unlisted = targets.filter(
      (target) => !listed.has(idKey(target)) && !confirming.has(idKey(target)),
    );
    const [itemChecks, targetChecks] = await Promise.all([
      session.checkItems(confirm),
      session.checkTargets(unlisted),
    ]);
    const now = this.deps.now();
    const byItem = new Map<string, ResourceCheck>();
    const checks = new Map<string, CheckOutcome>();
    confirm.forEach((item, index) => {
      const check = itemChecks[index];
      if (!check) return;
      byItem.set(idKey(item.id), check);
      checks.set(item.id, outcomeOf(check.diagnosis, now));
    });
    const byTarget = new Map(targetChecks.map((check) => [check.input, check]));
    const resources = targets.flatMap((target): ResourceCheck[] => {
      const item = listed.get(idKey(target));
      if (item) return [listedAsOk(target, item)];
      const check = byItem.get(idKey(target)) ?? byTarget.get(target);
      return check ? [{ ...check, input: target }] : [];
    });
    return { checks, resources };
  }

  /**
   * Stores what a sweep (or, `confirmed`, a webhook's re-check: no listing) saw, then opens one
   * alert per channel watching all for the losses it confirmed, and redraws or resolves the open
   * inventory alerts whose items came back.
   */
  async apply(
    connection: string,
    seen: InventoryObservation,
    facts: InventoryAlertFacts,
    options: { confirmed?: boolean } = {},
  ): Promise<void> {
    const { store } = this.deps;
    const now = this.deps.now();
    const listing = seen.listing.failure ? undefined : seen.listing;
    const pass = passOver(seen.known, listing, seen.checks, now, options);
    if (pass.listed.length > 0) await store.inventory.upsertListed(connection, pass.listed, now);
    if (pass.statuses.length > 0) await store.inventory.saveStatuses(connection, pass.statuses);

    const after = await store.inventory.all(connection);
    const channels = (await store.channels.watchingAll(connection)).map((each) => each.channelId);
    for (const alert of inventoryLossAlerts(pass, after, channels, facts)) {
      await this.deps.desk.open(alert);
    }
    await this.progress(connection, after, new Set(pass.recovered));
  }

  /** Open inventory alerts whose items came back: redrawn, or resolved once all are back. */
  async progress(
    connection: string,
    known: readonly InventoryEntry[],
    recovered: ReadonlySet<string>,
  ): Promise<void> {
    const now = this.deps.now();
    for (const alert of await this.deps.store.alerts.open(connection)) {
      if (alert.scope !== 'inventory') continue;
      const next = inventoryAlertProgress(alert, known, recovered);
      if (next.action === 'resolve') await this.deps.desk.resolve(alert, now);
      if (next.action === 'redraw') {
        const redrawn = await this.deps.store.alerts.update(alert.id, { details: next.details });
        if (redrawn) await this.deps.desk.redraw(redrawn);
      }
    }
  }

  /**
   * A webhook's re-check of `ids`: those items and everything inventoried inside them, by direct
   * request, applied as confirmed (the event was the first signal). An id nobody knows that the
   * check finds shared joins the inventory silently (a new share), when a channel watches all.
   * Explicit watches of these ids are checked too; their results come back in the run.
   */
  async recheck(
    connection: string,
    items: readonly InventoryItem[],
    targets: readonly string[],
  ): Promise<{ run?: CheckRun; inventory?: InventoryObservation; shared: InventoryItem[] }> {
    const session = await this.deps.checks.session(connection);
    const token = await session.checkToken();
    if (token.diagnosis.kind !== 'ok') return { shared: [] };
    const known = await this.deps.store.inventory.all(connection);
    const none: Listing = { items: [], complete: false };
    const { checks, resources } = await this.checkUnlisted(session, none, [...items], [...targets]);
    const run = await session.finish(token, resources);
    const knownKeys = new Set(known.map((entry) => idKey(entry.item.id)));
    const shared = resources.flatMap((check): InventoryItem[] => {
      if (!check.id || knownKeys.has(idKey(check.id))) return [];
      if (check.diagnosis.kind !== 'ok' || check.type === 'unknown') return [];
      const item: InventoryItem = {
        id: check.id,
        type: check.type,
        title: check.title ?? '',
        inTrash: false,
      };
      if (check.url !== undefined) item.url = check.url;
      return [item];
    });
    return { run, inventory: { known, listing: none, checks }, shared };
  }
}

/** A watched page the listing showed: ok, without a request of its own. */
function listedAsOk(target: string, item: InventoryItem): ResourceCheck {
  return {
    input: target,
    id: target,
    type: item.type,
    title: item.title || 'Untitled',
    url: item.url,
    inTrash: false,
    diagnosis: diagnosisOf('ok'),
  };
}
