import type { Alert } from '../domain/alert';
import {
  type ConnectionOverview,
  DEFAULT_CONNECTION,
  type DisconnectSummary,
} from '../domain/connection';
import { type Outcome, refuse } from '../domain/outcome';
import type { Logger } from '../logger';
import type { Repos } from '../store/store';
import type { CheckService } from './checks';
import type { Connections } from './connections';
import type { Notifier } from './ports';

export interface ConnectionDirectoryDeps {
  store: Repos;
  connections: Connections;
  checks: CheckService;
  notifier: Notifier;
  logger: Logger;
  now?: () => number;
}

/**
 * The connections as people manage them in Slack (PRODUCT.md, "Connections"): which exist,
 * which one a channel uses, what each can do now, and removing one with everything it owns.
 * Tokens themselves live in services/connections.ts (the sealed vault).
 */
export class ConnectionDirectory {
  constructor(private readonly deps: ConnectionDirectoryDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /**
   * Every connection name: `default` first (it always exists, with or without a token).
   * `repos`: a transaction's, when called inside one.
   */
  async known(repos: Repos = this.deps.store): Promise<string[]> {
    const names = new Set([DEFAULT_CONNECTION]);
    try {
      for (const row of await repos.connections.list()) names.add(row.name);
    } catch (error) {
      // The database is down: NOTION_TOKEN's `default` still works (Connections.resolve).
      this.deps.logger.error({ err: error }, 'database unavailable: only `default` is known');
    }
    return [...names].sort((a, b) =>
      a === DEFAULT_CONNECTION ? -1 : b === DEFAULT_CONNECTION ? 1 : a < b ? -1 : 1,
    );
  }

  /** The name, if it is a connection; the known ones otherwise (the command does nothing). */
  async exists(name: string, repos: Repos = this.deps.store): Promise<Outcome<{ name: string }>> {
    const known = await this.known(repos);
    return known.includes(name)
      ? { ok: true, name }
      : refuse({ reason: 'unknown_connection', name, known });
  }

  /** The connection a command uses: the one it names, else the channel's, else `default`. */
  async choose(channelId: string, named?: string): Promise<Outcome<{ name: string }>> {
    if (named) return this.exists(named);
    let chosen: string | undefined;
    try {
      chosen = (await this.deps.store.channels.connectionOf(channelId))?.connection;
    } catch (error) {
      this.deps.logger.error({ err: error }, 'database unavailable: using `default`');
    }
    // A removed connection's choice is deleted with it; an unreadable one falls back too.
    return chosen && (await this.known()).includes(chosen)
      ? { ok: true, name: chosen }
      : { ok: true, name: DEFAULT_CONNECTION };
  }

  /** `use <name>`: this channel's connection from now on (anyone in the channel may). */
  async use(channelId: string, name: string, userId: string): Promise<Outcome<{ name: string }>> {
    const found = await this.exists(name);
    if (!found.ok) return found;
    await this.deps.store.channels.use({
      channelId,
      connection: name,
      setBy: userId,
      setAt: this.now(),
    });
    return found;
  }

  /** The integration behind a connection, as users.me last said (for naming it in messages). */
  async integrationName(name: string): Promise<string | undefined> {
    try {
      return (await this.deps.store.connections.get(name))?.integrationName;
    } catch {
      return undefined;
    }
  }

  /** `connections`: every connection, its token checked now (each at its own token's pace). */
  async overview(channelId: string, userId: string): Promise<ConnectionOverview[]> {
    const { store } = this.deps;
    const used = await this.choose(channelId);
    return Promise.all(
      (await this.known()).map(async (name) => {
        const run = await this.deps.checks.run({
          connection: name,
          targets: [],
          channelId,
          userId,
        });
        const row = await store.connections.get(name);
        const watches = await store.watches.forConnection(name);
        const secrets = await store.connections.webhookSecrets(name);
        const watchingAll = await store.channels.watchAllIn(channelId);
        return {
          name,
          source: row?.source ?? (run.fingerprint ? 'env' : undefined),
          fingerprint: run.fingerprint,
          integrationName: run.integration?.name ?? row?.integrationName,
          workspaceName: run.integration?.workspaceName ?? row?.workspaceName,
          diagnosis: run.token.diagnosis,
          compromised: run.compromised ?? false,
          watches: {
            here: watches.filter((watch) => watch.channelId === channelId).length,
            total: watches.length,
          },
          watchingAllHere: watchingAll.some((subscription) => subscription.connection === name),
          usedHere: used.ok && used.name === name,
          webhook: secrets.current ? 'verified' : secrets.pending ? 'pending' : 'none',
        };
      }),
    );
  }

  /**
   * What removing the connection would take with it; refused for unknown names and for a
   * `default` that comes from NOTION_TOKEN (it would be back at the next start). `repos`: a
   * transaction's, when called inside one.
   */
  async preview(
    name: string,
    repos: Repos = this.deps.store,
  ): Promise<Outcome<{ summary: DisconnectSummary }>> {
    const found = await this.exists(name, repos);
    if (!found.ok) return found;
    const row = await repos.connections.get(name);
    if (!row || row.source === 'env') return refuse({ reason: 'env_connection', name });
    const watches = await repos.watches.forConnection(name);
    return {
      ok: true,
      summary: {
        name,
        integrationName: row.integrationName,
        fingerprint: row.tokenFingerprint,
        watches: watches.length,
        channels: new Set(watches.map((watch) => watch.channelId)).size,
        inventory: await repos.inventory.count(name),
        openAlerts: (await repos.alerts.open(name)).length,
      },
    };
  }

  /**
   * Removes the connection: its token, watches, inventory and channel choices at once; its
   * open alerts close as "connection removed" (their messages redrawn).
   */
  async disconnect(name: string, userId: string): Promise<Outcome<{ summary: DisconnectSummary }>> {
    const { store, notifier, logger } = this.deps;
    const now = this.now();
    const done = await store.transaction(async (tx) => {
      const previewed = await this.preview(name, tx);
      if (!previewed.ok) return previewed;
      const closed: Alert[] = [];
      for (const alert of await tx.alerts.open(name)) {
        const details = { ...alert.details, closedBecause: 'disconnected' as const };
        const update = { status: 'resolved' as const, resolvedAt: now, details };
        const updated = await tx.alerts.update(alert.id, update);
        if (updated) closed.push(updated);
      }
      await tx.watches.forgetConnection(name);
      await tx.inventory.forgetConnection(name);
      await tx.channels.forgetConnection(name);
      await tx.health.forget(name);
      await tx.connections.remove(name);
      return { ok: true as const, summary: previewed.summary, closed };
    });
    if (!done.ok) return done;
    logger.info({ connection: name, by: userId, ...done.summary }, 'connection removed');
    for (const alert of done.closed) {
      await notifier
        .updateAlert(alert, [])
        .catch((error) => logger.warn({ err: error, alert: alert.id }, 'could not redraw alert'));
    }
    return { ok: true, summary: done.summary };
  }
}
