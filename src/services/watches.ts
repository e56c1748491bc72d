import { extractNotionId } from '@notionhq/client';
import type { CheckRun, ResourceCheck } from '../domain/check';
import { type Outcome, refuse } from '../domain/outcome';
import {
  initialWatchStatus,
  outcomeOf,
  passedWatchCap,
  type Watch,
  type WatchStatus,
} from '../domain/watch';
import type { Repos } from '../store/store';
import type { CheckService } from './checks';

/** The channel's watch list: add (after checking each page once), remove, list. */
export class WatchService {
  constructor(private readonly deps: { store: Repos; checks: CheckService; now?: () => number }) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** The channel's watches; only those of `connection` when given. */
  async list(channelId: string, connection?: string): Promise<Watch[]> {
    const watches = await this.deps.store.watches.inChannel(channelId);
    return connection ? watches.filter((watch) => watch.connection === connection) : watches;
  }

  async watch(
    channelId: string,
    userId: string,
    targets: string[],
    connection: string,
  ): Promise<Outcome<{ run: CheckRun; added: ResourceCheck[]; existing: ResourceCheck[] }>> {
    const before = await this.capRefusal(this.deps.store, channelId, userId, targets);
    if (before) return before;
    const checked = await this.deps.checks.check({
      connection,
      targets,
      channelId,
      userId,
    });
    if (!checked.ok) return checked;
    const { run } = checked;
    // Counted again as they are added, in one transaction: watches added meanwhile (this
    // person's other commands, other channels) can never take a cap past its limit.
    return this.deps.store.transaction(
      async (tx) =>
        (await this.capRefusal(tx, channelId, userId, targets)) ?? {
          ok: true as const,
          run,
          ...(await this.add(tx, run, channelId, userId, connection)),
        },
    );
  }

  /**
   * The cap (channel, person, workspace) these targets would pass, if any, with its numbers.
   * `repos`: the store, or the transaction that adds them.
   */
  private async capRefusal(repos: Repos, channelId: string, userId: string, targets: string[]) {
    const repo = repos.watches;
    const already = new Set((await repo.inChannel(channelId)).map((watch) => watch.resourceId));
    const fresh = targets.filter((target) => {
      const id = extractNotionId(target);
      return !id || !already.has(id);
    });
    const passed = passedWatchCap(await repo.counts(channelId, userId), fresh.length);
    return passed && refuse({ reason: 'watch_limit', ...passed });
  }

  /** Adds every page the run could name, each in the state its first check found. */
  private async add(
    tx: Repos,
    run: CheckRun,
    channelId: string,
    userId: string,
    connection: string,
  ) {
    const repo = tx.watches;
    const tokenOk = run.token.diagnosis.kind === 'ok';
    const added: ResourceCheck[] = [];
    const existing: ResourceCheck[] = [];
    for (const resource of run.resources) {
      const resourceId = resource.id ?? (tokenOk ? undefined : extractNotionId(resource.input));
      if (!resourceId) continue;
      const at = this.now();
      // With a broken token nothing is known about the page yet: the next sweep finds out.
      const status: WatchStatus = tokenOk
        ? initialWatchStatus(outcomeOf(resource.diagnosis, at))
        : { state: 'ok', since: at };
      const isNew = await repo.add({
        channelId,
        connection,
        resourceId,
        resourceType: resource.type,
        title: resource.title,
        url: resource.url,
        addedBy: userId,
        addedAt: at,
        status,
      });
      (isNew ? added : existing).push(resource);
    }
    return { added, existing };
  }

  /**
   * Removes a watch. Only whoever added it, or an admin, may: otherwise anyone could silence
   * the monitoring of a page the team relies on.
   */
  async unwatch(
    channelId: string,
    target: string,
    userId: string,
    isAdmin: () => Promise<boolean>,
    /** Given when the command named a connection: only its watch is removed. */
    connection?: string,
  ): Promise<Outcome<{ removed: Watch }>> {
    const id = extractNotionId(target);
    const watch = id
      ? (await this.list(channelId, connection)).find((candidate) => candidate.resourceId === id)
      : undefined;
    if (!id || !watch) return refuse({ reason: 'not_watched' });
    if (watch.addedBy !== userId && !(await isAdmin())) {
      return refuse({ reason: 'not_owner', owner: watch.addedBy });
    }
    await this.deps.store.watches.remove(channelId, id);
    return { ok: true, removed: watch };
  }

  /** Resource IDs this channel watches with the connection, for the empty `/notion-check`. */
  async targets(channelId: string, connection: string): Promise<string[]> {
    return (await this.list(channelId, connection)).map((watch) => watch.resourceId);
  }
}
