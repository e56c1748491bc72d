import { extractNotionId } from '@notionhq/client';
import type { Logger } from '../logger';
import { initialWatchStatus } from '../monitor/state';
import type { ResourceCheck } from '../notion/check';
import type { Watch } from '../store/monitorRepo';
import type { Store } from '../store/store';
import type { CheckRun, CheckService } from './checks';
import { DEFAULT_CONNECTION } from './connections';

export const MAX_WATCHES_PER_CHANNEL = 200;

/** A check takes about a second per three resources at Notion's pace, plus the usual margin. */
export function deadlineFor(targets: number): number {
  return 25_000 + targets * 1_000;
}

export type WatchResult =
  | { kind: 'limit'; message: string }
  | { kind: 'checked'; run: CheckRun; added: ResourceCheck[]; existing: ResourceCheck[] };

/** The channel's watch list: add (after checking each page once), remove, list. */
export class WatchService {
  constructor(
    private readonly deps: {
      store: Store;
      checks: CheckService;
      logger: Logger;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  list(channelId: string): Watch[] {
    return this.deps.store.monitor.watchesInChannel(channelId);
  }

  async watch(channelId: string, userId: string, targets: string[]): Promise<WatchResult> {
    const repo = this.deps.store.monitor;
    const already = new Set(repo.watchesInChannel(channelId).map((watch) => watch.resourceId));
    const fresh = targets.filter((target) => {
      const id = extractNotionId(target);
      return !id || !already.has(id);
    });
    if (already.size + fresh.length > MAX_WATCHES_PER_CHANNEL) {
      return {
        kind: 'limit',
        message: `This channel watches ${already.size} pages; with ${fresh.length} more it would pass the limit of ${MAX_WATCHES_PER_CHANNEL}. Remove some with \`/notion-check unwatch <link>\` first, or watch them from another channel.`,
      };
    }
    const run = await this.deps.checks.run({
      connection: DEFAULT_CONNECTION,
      targets,
      channelId,
      userId,
      deadlineMs: deadlineFor(targets.length),
    });
    const tokenOk = run.token.diagnosis.kind === 'ok';
    const added: ResourceCheck[] = [];
    const existing: ResourceCheck[] = [];
    for (const resource of run.resources) {
      const resourceId = resource.id ?? (tokenOk ? undefined : extractNotionId(resource.input));
      if (!resourceId) continue;
      const at = this.now();
      // With a broken token nothing is known about the page yet: the next sweep finds out.
      const status = tokenOk
        ? initialWatchStatus({
            category: resource.diagnosis.category,
            kind: resource.diagnosis.kind,
            requestId: resource.diagnosis.detail.requestId,
            at,
          })
        : { state: 'ok' as const, since: at };
      const isNew = repo.addWatch({
        channelId,
        connection: DEFAULT_CONNECTION,
        resourceId,
        resourceType: resource.type,
        title: resource.title ?? null,
        url: resource.url ?? null,
        addedBy: userId,
        addedAt: at,
        status,
      });
      (isNew ? added : existing).push(resource);
    }
    return { kind: 'checked', run, added, existing };
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
  ): Promise<{ removed: Watch } | { problem: string }> {
    const id = extractNotionId(target);
    const watch = id
      ? this.list(channelId).find((candidate) => candidate.resourceId === id)
      : undefined;
    if (!id || !watch) {
      return {
        problem:
          "This channel doesn't watch that page. `/notion-check list` shows what it watches.",
      };
    }
    if (watch.addedBy !== userId && !(await isAdmin())) {
      return {
        problem: `<@${watch.addedBy}> added this watch: only they or an admin can remove it.`,
      };
    }
    this.deps.store.monitor.removeWatch(channelId, id);
    return { removed: watch };
  }

  /** Resource IDs this channel watches, for the empty `/notion-check`. */
  targets(channelId: string): string[] {
    return this.list(channelId).map((watch) => watch.resourceId);
  }
}
