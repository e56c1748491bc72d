import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';
import type { Notifier } from '../monitor/monitor';
import type { Alert, Watch } from '../store/monitorRepo';
import { alertText, buildAlertBlocks } from './blocks/alert';
import { section } from './blocks/text';
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
    private readonly now: () => number = Date.now,
  ) {
    this.messenger = new SlackMessenger(client);
  }

  private message(alert: Alert, watches: Watch[], prefix?: string) {
    const blocks = buildAlertBlocks(alert, watches, this.now());
    return {
      text: alertText(alert),
      blocks: prefix ? [section(prefix), ...blocks].slice(0, 50) : blocks,
    };
  }

  async postAlert(alert: Alert, watches: Watch[]) {
    try {
      const ts = await this.messenger.post(alert.channelId, this.message(alert, watches));
      return { channel: alert.channelId, ts };
    } catch (error) {
      if (!cannotPostHere(error) || !this.alertChannel || this.alertChannel === alert.channelId) {
        this.logger.error(
          { err: error, alert: alert.id, channel: alert.channelId },
          'could not post an alert; it stays pending and is retried at the next sweep',
        );
        return undefined;
      }
      this.logger.warn(
        { alert: alert.id, channel: alert.channelId, error: slackErrorCode(error) },
        'alert channel unavailable, posting to ALERT_CHANNEL instead',
      );
      const note = `:warning: I could not post this in <#${alert.channelId}> (${slackErrorCode(error)}): invite me there with \`/invite @notion-check\`.`;
      try {
        const ts = await this.messenger.post(this.alertChannel, this.message(alert, watches, note));
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
    await this.messenger.update(alert.postedChannel, alert.ts, this.message(alert, watches));
  }

  async replyToAlert(alert: Alert, text: string): Promise<void> {
    if (!alert.ts || !alert.postedChannel) return;
    await this.messenger.post(alert.postedChannel, { text, blocks: [section(text)] }, alert.ts);
  }

  async postNotice(channels: string[], text: string): Promise<void> {
    for (const channel of channels) {
      await this.messenger
        .post(channel, { text, blocks: [section(text)] })
        .catch((error) => this.logger.warn({ err: error, channel }, 'could not post a notice'));
    }
  }
}
