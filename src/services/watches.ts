import { extractNotionId } from '@notionhq/client';
import type { CheckRun, ResourceCheck } from '../domain/check';
import { DEFAULT_CONNECTION } from '../domain/connection';
import { type Outcome, refuse } from '../domain/outcome';
import {
  initialWatchStatus,
  outcomeOf,
  passedWatchCap,
  type Watch,
  type WatchStatus,
} from '../domain/watch';
import type { Store } from '../store/store';
import type { CheckService } from './checks';

/** The channel's watch list: add (after checking each page once), remove, list. */
export class WatchService {
  constructor(private readonly deps: { store: Store; checks: CheckService; now?: () => number }) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  list(channelId: string): Watch[] {
    return this.deps.store.watches.inChannel(channelId);
  }

  async watch(
    channelId: string,
    userId: string,
    targets: string[],
  ): Promise<Outcome<{ run: CheckRun; added: ResourceCheck[]; existing: ResourceCheck[] }>> {
    const before = this.capRefusal(channelId, userId, targets);
    if (before) return before;
    const checked = await this.deps.checks.check({
      connection: DEFAULT_CONNECTION,
      targets,
      channelId,
      userId,
    });
    if (!checked.ok) return checked;
    const { run } = checked;
    // Counted again as they are added, in one transaction: watches added meanwhile (this
    // person's other commands, other channels) can never take a cap past its limit.
    return this.deps.store.immediate(
      () =>
        this.capRefusal(channelId, userId, targets) ?? {
          ok: true as const,
          run,
          ...this.add(run, channelId, userId),
        },
    );
  }

  /** The cap (channel, person, workspace) these targets would pass, if any, with its numbers. */
  private capRefusal(channelId: string, userId: string, targets: string[]) {
    const repo = this.deps.store.watches;
    const already = new Set(repo.inChannel(channelId).map((watch) => watch.resourceId));
    const fresh = targets.filter((target) => {
      const id = extractNotionId(target);
      return !id || !already.has(id);
    });
    const passed = passedWatchCap(repo.counts(channelId, userId), fresh.length);
    return passed && refuse({ reason: 'watch_limit', ...passed });
  }

  /** Adds every page the run could name, each in the state its first check found. */
  private add(run: CheckRun, channelId: string, userId: string) {
    const repo = this.deps.store.watches;
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
      const isNew = repo.add({
        channelId,
        connection: DEFAULT_CONNECTION,
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
  ): Promise<Outcome<{ removed: Watch }>> {
    const id = extractNotionId(target);
    const watch = id
      ? this.list(channelId).find((candidate) => candidate.resourceId === id)
      : undefined;
    if (!id || !watch) return refuse({ reason: 'not_watched' });
    if (watch.addedBy !== userId && !(await isAdmin())) {
      return refuse({ reason: 'not_owner', owner: watch.addedBy });
    }
    this.deps.store.watches.remove(channelId, id);
    return { ok: true, removed: watch };
  }

  /** Resource IDs this channel watches, for the empty `/notion-check`. */
  targets(channelId: string): string[] {
    return this.list(channelId).map((watch) => watch.resourceId);
  }
}
