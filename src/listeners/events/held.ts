import type { Logger } from '../../logger';

/** How often a held event's database is asked again. */
const RETRY_MS = 2_000;
/** At most this many events wait for the database (the oldest go first beyond it). */
export const MAX_HELD_EVENTS = 1_000;

export interface HeldEventsDeps {
  /** Runs the event through the app again (Bolt's processEvent, already acked). */
  redeliver(body: unknown): Promise<void>;
  /** Whether the database answers now. */
  healthy(): Promise<boolean>;
  logger: Logger;
  retryMs?: number;
  max?: number;
}

/**
 * Slack events that arrived while the database could not answer. Bolt acks an event before
 * any listener runs, so Slack never sends it again: instead of losing it (a token pasted during
 * an outage would never be warned about), this process keeps it and delivers it to itself again
 * once the database answers. One that fails again is held again. Lost only if this process
 * stops first (said in the log).
 */
export class HeldEvents {
  private readonly held: unknown[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: HeldEventsDeps) {}

  get size(): number {
    return this.held.length;
  }

  hold(body: unknown): void {
    if (this.stopped) return;
    this.held.push(body);
    const max = this.deps.max ?? MAX_HELD_EVENTS;
    if (this.held.length > max) {
      this.held.splice(0, this.held.length - max);
      this.deps.logger.warn(
        { max },
        'too many events held during a database outage: the oldest dropped',
      );
    }
    this.schedule();
  }

  /** Stops retrying; says how many events are given up. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.flushing;
    if (this.held.length > 0) {
      this.deps.logger.warn(
        { events: this.held.length },
        'stopping with Slack events held during a database outage: they are lost',
      );
    }
  }

  private schedule(): void {
    if (this.timer || this.flushing || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.held.length > 0) this.schedule();
      });
    }, this.deps.retryMs ?? RETRY_MS);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    if (!(await this.deps.healthy())) return;
    const batch = this.held.splice(0);
    this.deps.logger.info(
      { events: batch.length },
      'database answers again: handling the Slack events held meanwhile',
    );
    for (const [i, body] of batch.entries()) {
      if (this.stopped) {
        this.held.unshift(...batch.slice(i));
        return;
      }
      await this.deps
        .redeliver(body)
        .catch((error: unknown) =>
          this.deps.logger.error({ err: error }, 'a held Slack event failed again'),
        );
    }
  }
}
