import { type ConnectionOverview, DEFAULT_CONNECTION } from '../domain/connection';
import {
  type ChannelKind,
  channelsOf,
  HOME_LIMITS,
  type Home,
  type HomeAlert,
  type HomeWalkthrough,
  listed,
  STRIP_DAYS,
  stripKey,
  stripOf,
  utcDay,
  type ViewerChannels,
  visibleTo,
  type Workspace,
} from '../domain/home';
import type { Logger } from '../logger';
import { mapLimited } from '../notion/pacing';
import type { Repos } from '../store/store';
import type { ConnectionDirectory } from './connectionDirectory';
import type { InventoryService } from './inventory';

/**
 * What Home needs from Slack, in its own terms (the listener implements it with the viewer's
 * workspace client). Every method throws when Slack did not answer; Home then shows less.
 */
export interface SlackDirectory {
  /** The private channels the user is in (those the bot can see). */
  privateChannelsOf(userId: string): Promise<string[]>;
  /** Public or private; a conversation the bot cannot see is private. */
  channelKind(channelId: string): Promise<ChannelKind>;
  /** The link to a message (chat.getPermalink). */
  permalink(channelId: string, ts: string): Promise<string>;
}

/** Who is in which private channel changes often: each viewer's answer is kept a minute. */
export const MEMBERSHIP_CACHE_MS = 60_000;
/**
 * Whether a channel is public hardly ever changes, and every viewer asks about the same
 * channels: kept longer, so a Home open costs no conversations.info per channel.
 */
export const CHANNEL_KIND_CACHE_MS = 10 * 60_000;
/** Connection statuses (users.me for each) are shared by every viewer for this long. */
export const OVERVIEW_CACHE_MS = 60_000;
/** Slack lookups in flight at once for one Home (conversations.info is a Tier 3 method). */
const LOOKUPS_AT_ONCE = 4;
/** Permalinks never change; this many are kept (the oldest forgotten first). */
const MAX_PERMALINKS = 1_000;
/** Past this many viewers or channels, answers that have expired are forgotten. */
const MAX_CACHED = 1_000;

/** Drops the entries older than `ttl` once the map holds more than MAX_CACHED. */
function forgetExpired(cache: Map<string, { at: number }>, now: number, ttl: number): void {
  if (cache.size <= MAX_CACHED) return;
  for (const [key, entry] of cache) if (now - entry.at >= ttl) cache.delete(key);
}

/** Home has no channel: the overview's per-channel counts and choices are not shown. */
const NO_CHANNEL = '';

export interface HomeServiceDeps {
  store: Repos;
  directory: ConnectionDirectory;
  inventory: InventoryService;
  logger: Logger;
  now?: () => number;
}

/**
 * The App Home of one viewer (PRODUCT.md, "App Home"): the connections and their status, the
 * watches of the channels they can see with each one's 14-day strip, the open alerts and
 * walkthroughs with links to them. Visibility is decided by domain/home.ts from what Slack
 * says (briefly cached); a failed lookup hides what depends on it.
 */
export class HomeService {
  private readonly memberships = new Map<string, { channels: ReadonlySet<string>; at: number }>();
  private readonly kinds = new Map<string, { kind: ChannelKind; at: number }>();
  private readonly permalinks = new Map<string, string>();
  private overviewCache:
    | { key: string; at: number; value: Promise<ConnectionOverview[]> }
    | undefined;

  constructor(private readonly deps: HomeServiceDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  async homeFor(viewer: string, admin: boolean, slack: SlackDirectory): Promise<Home> {
    const now = this.now();
    const workspace = await this.workspace();
    const [connections, seen] = await Promise.all([
      this.connections(viewer),
      this.viewerChannels(viewer, channelsOf(workspace), slack),
    ]);
    const visible = visibleTo(workspace, seen.viewer);
    const alerts = listed(visible.alerts, HOME_LIMITS.alerts);
    const walkthroughs = listed(visible.walkthroughs, HOME_LIMITS.walkthroughs);
    const [shownAlerts, shownWalkthroughs] = await Promise.all([
      Promise.all(alerts.shown.map((alert) => this.alertLink(alert, slack))),
      Promise.all(walkthroughs.shown.map((place) => this.walkthroughLink(place.id, slack))),
    ]);
    const defaultConnection = connections.find((each) => each.name === DEFAULT_CONNECTION);
    return {
      viewer,
      admin,
      suggestedName:
        defaultConnection?.diagnosis.kind === 'token_missing' ? DEFAULT_CONNECTION : undefined,
      connections,
      channels: visible.channels,
      strips: await this.strips(
        visible.channels.flatMap((group) => group.watches),
        utcDay(now),
      ),
      alerts: { shown: shownAlerts, more: alerts.more },
      walkthroughs: {
        shown: shownWalkthroughs.filter((each): each is HomeWalkthrough => each !== undefined),
        more: walkthroughs.more,
      },
      unknown: seen.unknown,
      now,
    };
  }

  /** Everything open in the workspace, from the store. */
  private async workspace(): Promise<Workspace> {
    const { store, directory, inventory } = this.deps;
    const watched = await store.watches.connections();
    const watches = (
      await Promise.all(watched.map((connection) => store.watches.forConnection(connection)))
    ).flat();
    const known = await directory.known();
    const subscriptions = await Promise.all(
      known.map((connection) => store.channels.watchingAll(connection)),
    );
    const subscribed = new Set(subscriptions.flat().map((subscription) => subscription.channelId));
    const everything = (
      await Promise.all(
        [...subscribed].map(async (channelId) =>
          (await inventory.summaries(channelId)).map((summary) => ({ ...summary, channelId })),
        ),
      )
    ).flat();
    const [alerts, walkthroughs] = await Promise.all([
      store.openWork.openAlerts(),
      store.openWork.openWalkthroughPlaces(),
    ]);
    return { watches, everything, alerts, walkthroughs };
  }

  /**
   * Every connection and its status now (ConnectionDirectory.overview: a users.me each), shared
   * by every viewer for a minute, and asked again as soon as a connection or token changes.
   */
  private async connections(viewer: string): Promise<ConnectionOverview[]> {
    const { directory, store } = this.deps;
    const [known, rows] = await Promise.all([directory.known(), store.connections.list()]);
    const key = JSON.stringify([
      known,
      rows.map((row) => [row.name, row.tokenFingerprint, row.updatedAt]),
    ]);
    const cached = this.overviewCache;
    if (cached && cached.key === key && this.now() - cached.at < OVERVIEW_CACHE_MS) {
      return cached.value;
    }
    const value = directory.overview(NO_CHANNEL, viewer);
    this.overviewCache = { key, at: this.now(), value };
    value.catch(() => {
      if (this.overviewCache?.value === value) this.overviewCache = undefined;
    });
    return value;
  }

  /**
   * What Slack says about the viewer and these channels: the private channels they are in, and
   * whether each other channel is public. Failed answers are not kept, and leave gaps.
   */
  private async viewerChannels(
    viewer: string,
    channelIds: string[],
    slack: SlackDirectory,
  ): Promise<{ viewer: ViewerChannels; unknown: Home['unknown'] }> {
    const memberOf = await this.membership(viewer, slack);
    const kinds = new Map<string, ChannelKind>();
    let failed = false;
    const ask = channelIds.filter((id) => !memberOf?.has(id));
    await mapLimited(ask, LOOKUPS_AT_ONCE, async (channelId) => {
      const kind = await this.kindOf(channelId, slack);
      if (kind) kinds.set(channelId, kind);
      else failed = true;
    });
    return {
      viewer: { memberOf, kinds },
      unknown: { membership: memberOf === undefined, channels: failed },
    };
  }

  private async membership(
    viewer: string,
    slack: SlackDirectory,
  ): Promise<ReadonlySet<string> | undefined> {
    const cached = this.memberships.get(viewer);
    if (cached && this.now() - cached.at < MEMBERSHIP_CACHE_MS) return cached.channels;
    try {
      const channels = new Set(await slack.privateChannelsOf(viewer));
      this.memberships.set(viewer, { channels, at: this.now() });
      forgetExpired(this.memberships, this.now(), MEMBERSHIP_CACHE_MS);
      return channels;
    } catch (error) {
      this.deps.logger.warn(
        { err: error, user: viewer },
        'Home: could not look up private channel membership; their watches are hidden',
      );
      return undefined;
    }
  }

  private async kindOf(channelId: string, slack: SlackDirectory): Promise<ChannelKind | undefined> {
    const cached = this.kinds.get(channelId);
    if (cached && this.now() - cached.at < CHANNEL_KIND_CACHE_MS) return cached.kind;
    try {
      const kind = await slack.channelKind(channelId);
      this.kinds.set(channelId, { kind, at: this.now() });
      forgetExpired(this.kinds, this.now(), CHANNEL_KIND_CACHE_MS);
      return kind;
    } catch (error) {
      this.deps.logger.warn(
        { err: error, channel: channelId },
        'Home: could not look up a channel; its watches are hidden',
      );
      return undefined;
    }
  }

  /** Each watch's 14 squares, from the daily roll-up of its check results. */
  private async strips(watches: Home['channels'][number]['watches'], today: number) {
    const targets = watches.map((watch) => ({
      connection: watch.connection,
      target: watch.resourceId,
    }));
    const days = await this.deps.store.daily.since(targets, today - STRIP_DAYS + 1);
    return new Map(
      watches.map((watch) => {
        const key = stripKey(watch.connection, watch.resourceId);
        return [key, stripOf(days.get(key) ?? [], today)] as const;
      }),
    );
  }

  private async link(channelId: string, ts: string, slack: SlackDirectory) {
    const key = `${channelId}:${ts}`;
    const known = this.permalinks.get(key);
    if (known) return known;
    try {
      const link = await slack.permalink(channelId, ts);
      this.permalinks.set(key, link);
      if (this.permalinks.size > MAX_PERMALINKS) {
        const oldest = this.permalinks.keys().next().value;
        if (oldest !== undefined) this.permalinks.delete(oldest);
      }
      return link;
    } catch (error) {
      this.deps.logger.warn({ err: error, channel: channelId }, 'Home: no permalink for a message');
      return undefined;
    }
  }

  private async alertLink(alert: HomeAlert['alert'], slack: SlackDirectory): Promise<HomeAlert> {
    if (!alert.postedChannel || !alert.ts) return { alert };
    return { alert, link: await this.link(alert.postedChannel, alert.ts, slack) };
  }

  /** The walkthrough's own message (or, not posted yet, the message it is under). */
  private async walkthroughLink(
    id: string,
    slack: SlackDirectory,
  ): Promise<HomeWalkthrough | undefined> {
    const walkthrough = await this.deps.store.openWork.walkthrough(id);
    if (!walkthrough || walkthrough.state.status === 'resolved') return undefined;
    const ts = walkthrough.messageTs ?? walkthrough.reportTs;
    return { walkthrough, link: await this.link(walkthrough.channelId, ts, slack) };
  }
}
