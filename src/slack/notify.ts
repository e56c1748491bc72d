import type { WebClient } from '@slack/web-api';
import type { Alert } from '../domain/alert';
import type { Notice } from '../domain/notice';
import type { Watch } from '../domain/watch';
import type { Logger } from '../logger';
import type { Notifier } from '../services/ports';
import { cannotPostHere, slackErrorCode } from './errors';
import { SlackMessenger } from './messenger';

/**
 * Posts what the monitor decided. An alert goes to its watch's channel; if the bot was removed
 * from it, to ALERT_CHANNEL with a note, and a warning is logged. Never silently dropped: when
 * no channel takes it, postAlert says so and the monitor retries at the next sweep.
 */
export class SlackNotifier implements Notifier {
  private readonly messenger: SlackMessenger;

  constructor(
    client: WebClient,
    private readonly alertChannel: string | undefined,
    private readonly logger: Logger,
    /**
     * Records an alert's new ts after it was posted again (its old message was gone); awaited,
     * so the alert read after updateAlert() has it.
     */
    private readonly onMoved: (alertId: string, ts: string) => Promise<unknown>,
    now: () => number = Date.now,
  ) {
    this.messenger = new SlackMessenger(client, now);
  }

  async postAlert(alert: Alert, watches: Watch[]) {
    try {
      const ts = await this.messenger.post(alert.channelId, { type: 'alert', alert, watches });
      return { channel: alert.channelId, ts };
    } catch (error) {
      if (!cannotPostHere(error) || !this.alertChannel || this.alertChannel === alert.channelId) {
        this.logger.error(
          { err: error, alert: alert.id, channel: alert.channelId },
          'could not post an alert; it stays pending and is retried at the next sweep',
        );
        return undefined;
      }
      const code = slackErrorCode(error);
      this.logger.warn(
        { alert: alert.id, channel: alert.channelId, error: code },
        'alert channel unavailable, posting to ALERT_CHANNEL instead',
      );
      const rerouted = { from: alert.channelId, error: code };
      try {
        const ts = await this.messenger.post(this.alertChannel, {
          type: 'alert',
          alert,
          watches,
          rerouted,
        });
        return { channel: this.alertChannel, ts };
      } catch (fallbackError) {
        this.logger.error(
          { err: fallbackError, alert: alert.id },
          'could not post an alert to ALERT_CHANNEL either; retried at the next sweep',
        );
        return undefined;
      }
    }
  }

  async updateAlert(alert: Alert, watches: Watch[]): Promise<void> {
    if (!alert.ts || !alert.postedChannel) return;
    const notice = { type: 'alert', alert, watches } as const;
    const ts = await this.messenger.update(alert.postedChannel, alert.ts, notice);
    if (ts === alert.ts) return;
    this.logger.info(
      { alert: alert.id, channel: alert.postedChannel },
      'the alert message could not be updated (deleted or too old): posted it again',
    );
    await this.onMoved(alert.id, ts);
  }

  async replyToAlert(alert: Alert, notice: Notice): Promise<void> {
    if (!alert.ts || !alert.postedChannel) return;
    await this.messenger.post(alert.postedChannel, notice, alert.ts);
  }

  async postNotice(channels: string[], notice: Notice): Promise<void> {
    for (const channel of channels) {
      await this.messenger
        .post(channel, notice)
        .catch((error) => this.logger.warn({ err: error, channel }, 'could not post a notice'));
    }
  }
}
