import type { WatchAll } from '../domain/connection';
import {
  countVisible,
  passOver,
  type WatchAllResult,
  type WatchAllSummary,
} from '../domain/inventory';

export type { WatchAllResult, WatchAllSummary };

import { type Outcome, refuse } from '../domain/outcome';
import type { Repos } from '../store/store';
import type { CheckService } from './checks';
import type { Notifier } from './ports';

/**
 * `watch all` / `unwatch all` / `list`: a channel watching everything a connection's integration
 * can see. The listing made here is the inventory's first; the monitor keeps it up to date.
 */
export class InventoryService {
  constructor(
    private readonly deps: {
      store: Repos;
      checks: CheckService;
      notifier: Notifier;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private async integrationName(
    connection: string,
    fallback?: string,
  ): Promise<string | undefined> {
    try {
      return fallback ?? (await this.deps.store.connections.get(connection))?.integrationName;
    } catch {
      return fallback;
    }
  }

  /**
   * Lists now (someone waits: interactive priority), stores the inventory and subscribes the
   * channel. A broken token or Notion down: refused, and nothing stored.
   */
  async watchAll(
    channelId: string,
    userId: string,
    connection: string,
  ): Promise<Outcome<WatchAllResult>> {
    const { store } = this.deps;
    const session = await this.deps.checks.session(connection, 'interactive');
    const token = await session.checkToken();
    if (token.diagnosis.kind !== 'ok') {
      await session.finish(token, []);
      return refuse({ reason: 'listing_failed', connection, diagnosis: token.diagnosis });
    }
    const listing = await session.list(await store.inventory.count(connection));
    await session.finish(token, []);
    if (listing.failure) {
      return refuse({ reason: 'listing_failed', connection, diagnosis: listing.failure });
    }
    const now = this.now();
    const added = await store.transaction(async (tx) => {
      // Another channel may watch it already: then this listing is one more proof of sharing.
      const pass = passOver(await tx.inventory.all(connection), listing, new Map(), now);
      await tx.inventory.upsertListed(connection, pass.listed, now);
      await tx.inventory.saveStatuses(connection, pass.statuses);
      return tx.channels.watchAll({ channelId, connection, addedBy: userId, addedAt: now });
    });
    return {
      ok: true,
      connection,
      integrationName: await this.integrationName(connection, token.integration?.name),
      count: countVisible(listing.items),
      already: !added,
      complete: listing.complete,
    };
  }

  /**
   * Stops it: only whoever started it, or an admin. The channel's open inventory alerts close
   * as unwatched; when no channel watches the connection any more, its inventory is forgotten.
   */
  async unwatchAll(
    channelId: string,
    userId: string,
    connection: string,
    isAdmin: () => Promise<boolean>,
  ): Promise<Outcome<{ removed: WatchAll }>> {
    const { store } = this.deps;
    const existing = (await store.channels.watchAllIn(channelId)).find(
      (w) => w.connection === connection,
    );
    if (!existing) return refuse({ reason: 'not_watching_all', connection });
    if (existing.addedBy !== userId && !(await isAdmin())) {
      return refuse({ reason: 'not_owner', owner: existing.addedBy });
    }
    const removed = await store.channels.unwatchAll(channelId, connection);
    if (!removed) return refuse({ reason: 'not_watching_all', connection });
    if ((await store.channels.watchingAll(connection)).length === 0) {
      await store.inventory.forgetConnection(connection);
    }
    await this.closeAlerts(channelId, connection);
    return { ok: true, removed };
  }

  private async closeAlerts(channelId: string, connection: string): Promise<void> {
    const { store, notifier } = this.deps;
    const now = this.now();
    for (const alert of await store.alerts.open(connection)) {
      if (alert.scope !== 'inventory' || alert.channelId !== channelId) continue;
      const details = { ...alert.details, closedBecause: 'unwatched' as const };
      const closed = await store.alerts.update(alert.id, {
        status: 'resolved',
        resolvedAt: now,
        details,
      });
      if (closed) await notifier.updateAlert(closed, []);
    }
  }

  /** One line per connection the channel watches all of, with how many items that is now. */
  async summaries(channelId: string): Promise<WatchAllSummary[]> {
    const { store } = this.deps;
    return Promise.all(
      (await store.channels.watchAllIn(channelId)).map(async (subscription) => ({
        connection: subscription.connection,
        integrationName: await this.integrationName(subscription.connection),
        count: countVisible(
          (await store.inventory.all(subscription.connection))
            .filter((entry) => entry.status.state !== 'failing')
            .map((entry) => entry.item),
        ),
        since: subscription.addedAt,
        addedBy: subscription.addedBy,
      })),
    );
  }
}
