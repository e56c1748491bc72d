import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { CONNECTION_NAME } from '../domain/connection';
import type { Logger } from '../logger';
import { parseDelivery } from '../notion/webhooks';
import type { WebhookService } from '../services/webhooks';
import { type Budget, type FrontDoorLimits, readBody, refuseAndClose } from '../slack/receiver';

/**
 * `POST /notion/webhooks/<connection>` (HTTP mode only; with many workspaces
 * `/notion/webhooks/<team_id>/<connection>`): Notion's deliveries, as a Bolt custom
 * route next to /slack/events. Its own file because it is Notion's door, not Slack's: nothing
 * here knows Slack's signing, and slack/receiver.ts stays about /slack/events (this file only
 * borrows its body reader, so both doors have the same size cap, deadline and buffer budget).
 *
 * The pipeline, each step answering before the next one runs:
 * 1. unknown workspace or connection → 404, body never read;
 * 2. body over the cap → 413, slower than the deadline → 408, over the buffer budget → 503;
 * 3. not JSON → 400;
 * 4. a verification request (`{"verification_token": …}`, unsigned by design) → stored sealed
 *    as the connection's pending secret → 200 (503 without ENCRYPTION_KEY: nothing to seal with);
 * 5. anything else without a valid `X-Notion-Signature` for the current or pending secret → 401;
 * 6. 200, and only then the work: de-dup by event id, maybe a debounced re-check.
 * Logs say what happened (connection, event id and type, outcome), never a body or a token.
 */

export const NOTION_WEBHOOK_PATH = '/notion/webhooks/:connection';
/** With many workspaces: the workspace's team id, then the connection. */
export const NOTION_TEAM_WEBHOOK_PATH = '/notion/webhooks/:team/:connection';

export interface NotionWebhookRouteDeps {
  /** The workspace's webhooks ('' with one workspace); undefined: no such workspace. */
  webhooks: (team: string) => Promise<WebhookService | undefined>;
  logger: Logger;
  limits: FrontDoorLimits;
}

function answer(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: status === 200 }));
}

const param = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * The routes (one workspace's path, and many workspaces' with the team id), sharing one buffer
 * budget (separate from /slack/events', the same size).
 */
export function notionWebhookRoutes(deps: NotionWebhookRouteDeps): CustomRoute[] {
  const budget: Budget = { used: 0, max: deps.limits.maxBufferedBytes };
  const logger = deps.logger.child({ component: 'notion-webhooks' });
  const handler: CustomRoute['handler'] = (req, res) => {
    const team = param(req.params?.team);
    const connection = param(req.params?.connection);
    handle(team, connection, req, res, { ...deps, logger }, budget).catch((error: unknown) => {
      logger.error({ err: error, team, connection }, 'Notion webhook delivery failed');
      if (!res.headersSent) refuseAndClose(req, res, 503);
    });
  };
  return [NOTION_WEBHOOK_PATH, NOTION_TEAM_WEBHOOK_PATH].map((path) => ({
    path,
    method: ['POST'],
    handler,
  }));
}

/** A team id as Slack writes them (T0123ABCD); '' is the one workspace. */
const TEAM_ID = /^(|T[A-Z0-9]{2,30})$/;

async function handle(
  team: string,
  connection: string,
  req: IncomingMessage,
  res: ServerResponse,
  deps: NotionWebhookRouteDeps,
  budget: Budget,
): Promise<void> {
  const { logger, limits } = deps;
  const webhooks =
    TEAM_ID.test(team) && CONNECTION_NAME.test(connection) ? await deps.webhooks(team) : undefined;
  if (!webhooks || !(await webhooks.isKnown(connection))) {
    logger.info({ outcome: 'unknown_connection' }, 'Notion webhook for an unknown connection: 404');
    return refuseAndClose(req, res, 404);
  }
  const raw = await readBody(req, limits.maxBodyBytes, limits.bodyTimeoutMs, budget);
  if (raw === 'aborted') return void req.socket.destroy();
  if (raw !== 'too_large' && raw !== 'timeout' && raw !== 'busy') {
    return route(connection, raw, req, res, { webhooks, logger });
  }
  logger.warn({ connection, outcome: raw }, 'Notion webhook body refused');
  refuseAndClose(req, res, { too_large: 413, timeout: 408, busy: 503 }[raw]);
}

async function route(
  connection: string,
  raw: Buffer,
  req: IncomingMessage,
  res: ServerResponse,
  { webhooks, logger }: { webhooks: WebhookService; logger: Logger },
): Promise<void> {
  const delivery = parseDelivery(raw);
  if (delivery.kind === 'ignored' && delivery.reason === 'not-json') {
    logger.info({ connection, outcome: 'not_json' }, 'Notion webhook body is not JSON: 400');
    return answer(res, 400);
  }

  if (delivery.kind === 'verification') {
    const result = await webhooks.acceptVerification(connection, delivery.verificationToken);
    if (result.stored) {
      logger.info(
        { connection, outcome: 'verification_pending' },
        'Notion webhook verification request stored (pending until a delivery signed with it arrives); /notion-check webhook shows the token to paste in Notion',
      );
      return answer(res, 200);
    }
    if (result.why === 'no_encryption_key') {
      logger.error(
        { connection, outcome: 'no_encryption_key' },
        'Notion webhook verification request refused (503): set ENCRYPTION_KEY so the verification token can be stored encrypted, restart, then resend the token from Notion',
      );
      return answer(res, 503);
    }
    logger.info({ connection, outcome: result.why }, 'Notion webhook verification request refused');
    return answer(res, result.why === 'unknown_connection' ? 404 : 400);
  }

  const signature = req.headers['x-notion-signature'];
  const signedWith = await webhooks.verifyDelivery(
    connection,
    raw,
    typeof signature === 'string' ? signature : undefined,
  );
  if (signedWith === 'invalid') {
    // Nothing from the body: it is not Notion's.
    logger.warn(
      { connection, outcome: 'bad_signature' },
      'Notion webhook delivery without a valid X-Notion-Signature: 401, nothing done',
    );
    return answer(res, 401);
  }
  if (signedWith === 'promoted') {
    logger.info(
      { connection, outcome: 'verified' },
      'Notion webhook subscription verified: its first signed delivery arrived',
    );
  }

  const event = delivery.kind === 'event' ? { eventId: delivery.id, type: delivery.type } : {};
  // The answer first: Notion times out slow endpoints and retries, and nothing below changes it.
  answer(res, 200);
  setImmediate(async () => {
    try {
      const result = await webhooks.handleDelivery(connection, delivery);
      logger.info(
        {
          connection,
          ...event,
          outcome: result.handled,
          ...('why' in result ? { why: result.why } : {}),
        },
        'Notion webhook delivery',
      );
    } catch (error) {
      logger.error({ err: error, connection, ...event }, 'Notion webhook delivery not handled');
    }
  });
}
