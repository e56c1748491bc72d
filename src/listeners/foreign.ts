import type { AnyMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../logger';

/** The workspace (and app, when auth.test names it) that SLACK_BOT_TOKEN belongs to. */
export interface HomeWorkspace {
  teamId: string;
  appId?: string;
}

/**
 * The fields that say where a request comes from, whichever surface sent it. Each request has
 * only some of them (a command: team_id; a click: team, user; an event: team_id,
 * authorizations), so originOf parses each field it has with its schema here, not the whole
 * object: the same result, without zod walking fields that are not there.
 */
const origin = z.object({
  // Commands (form fields) and the Events API envelope.
  team_id: z.string().optional().catch(undefined),
  // Interactivity payloads; `team` is null for org-wide installs, then `user.team_id` says.
  team: z.object({ id: z.string() }).nullish().catch(undefined),
  user: z.object({ team_id: z.string().optional() }).nullish().catch(undefined),
  // Events: the installation the event is delivered for. In a Slack Connect channel the
  // envelope's team_id can be the other organisation's while this is still ours.
  authorizations: z
    .array(z.object({ team_id: z.string().nullish() }).catch({}))
    .optional()
    .catch(undefined),
  api_app_id: z.string().optional().catch(undefined),
});

type OriginFields = z.infer<typeof origin>;

interface Origin {
  teams: string[];
  appId: string | undefined;
}

/**
 * `origin.shape[key]` applied to `body[key]`, or undefined when the body has no such field
 * (every field schema maps undefined to undefined, so skipping it changes nothing).
 */
function field<K extends keyof OriginFields>(
  body: Record<string, unknown>,
  key: K,
): OriginFields[K] {
  const value = body[key];
  if (value === undefined) return undefined;
  // Never throws: each field schema ends in .catch().
  return origin.shape[key].parse(value) as OriginFields[K];
}

function originOf(body: unknown): Origin {
  // z.object accepts exactly these; anything else has no origin.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { teams: [], appId: undefined };
  }
  const fields = body as Record<string, unknown>;
  const team = field(fields, 'team');
  const authorizations = field(fields, 'authorizations');
  const teams = [
    field(fields, 'team_id'),
    team?.id ?? field(fields, 'user')?.team_id,
    ...(authorizations ?? []).map((a) => a.team_id),
  ].filter((id): id is string => typeof id === 'string' && id !== '');
  return { teams, appId: field(fields, 'api_app_id') };
}

/** Whether a request from `from` is for our workspace and app (see isHome). */
function fromHome(from: Origin, home: HomeWorkspace | undefined): boolean {
  if (!home) return false;
  if (!from.teams.includes(home.teamId)) return false;
  return home.appId === undefined || from.appId === undefined || from.appId === home.appId;
}

/**
 * Whether a request is for our workspace and app: one of its team ids is ours (a request
 * without any is not), and its api_app_id, when both it and auth.test name one, is ours.
 */
export function isHome(body: unknown, home: HomeWorkspace | undefined): boolean {
  return fromHome(originOf(body), home);
}

/** Distinct foreign origins warned about; past this, further ones are dropped silently. */
const MAX_WARNED = 100;

/**
 * Single-workspace mode: a signed request from another team or app (the app installed
 * elsewhere, or another app sharing this Request URL) is acknowledged with 200 and nothing
 * else — Slack would retry a non-2xx — and logged once per team and app, without its body.
 */
export function dropForeignRequests(home: () => HomeWorkspace | undefined, logger: Logger) {
  const warned = new Set<string>();
  return async (args: AnyMiddlewareArgs & { next: () => Promise<void> }) => {
    const from = originOf(args.body);
    if (fromHome(from, home())) {
      await args.next();
      return;
    }
    const { teams, appId } = from;
    const key = `${teams[0] ?? '?'}/${appId ?? '?'}`;
    if (!warned.has(key) && warned.size < MAX_WARNED) {
      warned.add(key);
      logger.warn(
        { teamId: teams[0], apiAppId: appId, expectedTeamId: home()?.teamId },
        'dropped a request from another Slack workspace or app (logged once for each)',
      );
    }
    // Events are acknowledged by Bolt before any middleware; everything else needs its ack.
    const { ack } = args as { ack?: () => Promise<void> };
    await ack?.();
  };
}
