import { extractNotionId } from '@notionhq/client';
import type { Config } from '../config';
import { DEFAULT_CONNECTION } from '../domain/connection';
import { type Outcome, refuse } from '../domain/outcome';
import type { WebhookInstructions } from '../domain/webhook';
import type { Logger } from '../logger';
import { type Delivery, isReachabilityEvent, verifyDelivery } from '../notion/webhooks';
import { encryptSecret, openSealed } from '../security/crypto';
import type { Repos } from '../store/store';

/**
 * Notion webhooks (PRODUCT.md "Notion webhooks"): the verification handshake, which secret a
 * delivery is signed with, and which deliveries re-check what.
 *
 * Secrets. A verification request is unsigned (Notion has no shared secret yet), so anyone who
 * knows the URL can send one. Its token is therefore stored sealed as *pending*, never over the
 * *current* one; a delivery verifies with either. The first delivery signed with the pending
 * token, while there is no current one, promotes it. Once a current token exists, nothing
 * unauthenticated replaces it: a pending token that signs deliveries is accepted next to it
 * but does not evict it, because whoever forged the verification request can sign with the
 * token they made up. So a forged verification request (even followed by deliveries signed
 * with its token) never breaks a working subscription; at worst it makes the bot re-fetch.
 *
 * Re-checks. An event says that something happened to an id, not what state it is in now:
 * Notion batches, reorders and retries events for up to a day. So an event only ever triggers a
 * fresh direct request (the monitor's `recheck`), and never sets a state itself. Events about
 * one connection within `debounceMs` of its first one go into one re-check; an object named
 * twice in that window is re-checked once.
 */

/** What the monitor offers: a direct check of these ids (and their inventoried descendants). */
export interface Rechecker {
  recheck(connection: string, ids: string[]): Promise<void>;
}

/** Long enough to gather a burst (a move of a subtree sends one event per page), short enough to feel live. */
export const WEBHOOK_DEBOUNCE_MS = 2_000;

/**
 * How long an event id is remembered (`processed_actions`, pruned by app.ts after a day). A
 * signed delivery older than this could be a replay the de-dup table no longer remembers, and
 * Notion stops retrying well before, so it is ignored.
 */
export const WEBHOOK_REPLAY_WINDOW_MS = 24 * 60 * 60_000;

/**
 * Objects nobody watches yet (a "watch all" channel's possible new pages) re-checked per
 * window at most: about 17 s of a token's pace. More in one window wait for the next sweep.
 */
export const MAX_UNTRACKED_PER_WINDOW = 50;

/** Notion's verification tokens are a few dozen characters; anything far longer is not one. */
const MAX_VERIFICATION_TOKEN_LENGTH = 256;
/** Printable ASCII without what would break the code span an admin copies it from. */
const VERIFICATION_TOKEN = /^[!-~]+$/;
const UNSAFE_IN_CODE = /[`<>&]/;

/**
 * Where Notion posts deliveries for `connection` (under PUBLIC_URL); with many workspaces, the
 * workspace's team id comes first (connection names are per workspace).
 */
export const webhookPath = (connection: string, team = '') =>
  team === ''
    ? `/notion/webhooks/${encodeURIComponent(connection)}`
    : `/notion/webhooks/${encodeURIComponent(team)}/${encodeURIComponent(connection)}`;

export type VerificationResult =
  | { stored: true }
  | { stored: false; why: 'unknown_connection' | 'no_encryption_key' | 'token_shape' };

/**
 * Which secret signed a delivery: the current one, the pending one (now `promoted` to current,
 * or kept `pending` next to a current one), or none (`invalid`: unsigned, forged, or signed
 * with a token the bot no longer holds).
 */
export type SignatureCheck = 'current' | 'promoted' | 'pending' | 'invalid';

export type DeliveryResult =
  /** Re-checks of these objects are scheduled (or already were, within the window). */
  | { handled: 'scheduled'; ids: string[] }
  /** The same event id was handled before: a retry. */
  | { handled: 'duplicate' }
  /** Not an event that can change reachability, or about nothing watched. */
  | {
      handled: 'ignored';
      why: 'event_type' | 'not_watched' | 'too_old' | 'not_an_event' | 'window_full';
    }
  /** The app is stopping. */
  | { handled: 'stopping' };

export type { WebhookInstructions };

export interface WebhookServiceDeps {
  store: Repos;
  /** The workspace (team id) these connections belong to; '' with one workspace. */
  team?: string;
  config: Pick<
    Config,
    'encryptionKey' | 'previousEncryptionKey' | 'publicUrl' | 'slack' | 'notion'
  >;
  rechecker: Rechecker;
  logger: Logger;
  debounceMs?: number;
  now?: () => number;
}

interface Batch {
  ids: Set<string>;
  /** How many of `ids` nobody watches or inventories (yet). */
  untracked: number;
  timer: NodeJS.Timeout;
}

export class WebhookService {
  private readonly debounceMs: number;
  private readonly now: () => number;
  /** Per connection: the ids waiting for the debounce window to close. */
  private readonly batches = new Map<string, Batch>();
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly deps: WebhookServiceDeps) {
    this.debounceMs = deps.debounceMs ?? WEBHOOK_DEBOUNCE_MS;
    this.now = deps.now ?? Date.now;
  }

  /** A connection webhooks may be addressed to: one set up, or `default` from NOTION_TOKEN. */
  async isKnown(connection: string): Promise<boolean> {
    if (connection === DEFAULT_CONNECTION && this.deps.config.notion.defaultToken) return true;
    return (await this.deps.store.connections.get(connection)) !== undefined;
  }

  /** Stores a verification request's token, sealed, as the connection's pending secret. */
  async acceptVerification(connection: string, token: string): Promise<VerificationResult> {
    if (!(await this.isKnown(connection))) return { stored: false, why: 'unknown_connection' };
    if (
      token.length > MAX_VERIFICATION_TOKEN_LENGTH ||
      !VERIFICATION_TOKEN.test(token) ||
      UNSAFE_IN_CODE.test(token)
    ) {
      return { stored: false, why: 'token_shape' };
    }
    const key = this.deps.config.encryptionKey;
    if (!key) return { stored: false, why: 'no_encryption_key' };
    const saved = await this.deps.store.connections.saveWebhookPending(
      connection,
      encryptSecret(token, key),
      this.now(),
    );
    // `default` from NOTION_TOKEN has a row from start-up (Connections.syncEnvToken).
    return saved ? { stored: true } : { stored: false, why: 'unknown_connection' };
  }

  /**
   * Whether `rawBody` was signed with the connection's current or pending secret. A pending one
   * that signs a delivery becomes current when there is none yet (`promoted`); otherwise it
   * stays pending, accepted too (`pending`).
   */
  async verifyDelivery(
    connection: string,
    rawBody: Buffer | string,
    signatureHeader: string | undefined,
  ): Promise<SignatureCheck> {
    if (typeof signatureHeader !== 'string') return 'invalid';
    const secrets = await this.deps.store.connections.webhookSecrets(connection);
    const current = this.open(connection, secrets.current);
    if (current && (await verifyDelivery(rawBody, signatureHeader, current))) return 'current';
    const pending = this.open(connection, secrets.pending);
    if (pending && (await verifyDelivery(rawBody, signatureHeader, pending))) {
      if (secrets.current) return 'pending';
      const promoted = await this.deps.store.connections.promoteWebhookPending(
        connection,
        secrets.pending,
      );
      return promoted ? 'promoted' : 'pending';
    }
    return 'invalid';
  }

  /**
   * A verified event: de-duplicated by its id (across restarts), then, when it can change
   * whether a watched or inventoried object is reachable, a re-check is scheduled.
   */
  async handleDelivery(connection: string, delivery: Delivery): Promise<DeliveryResult> {
    if (this.stopping) return { handled: 'stopping' };
    if (delivery.kind !== 'event') return { handled: 'ignored', why: 'not_an_event' };
    const now = this.now();
    const at = Date.parse(delivery.timestamp);
    if (Number.isFinite(at) && now - at > WEBHOOK_REPLAY_WINDOW_MS) {
      return { handled: 'ignored', why: 'too_old' };
    }
    if (!(await this.deps.store.dedupe.claim(`notion-event:${connection}:${delivery.id}`, now))) {
      return { handled: 'duplicate' };
    }
    if (!isReachabilityEvent(delivery.type)) return { handled: 'ignored', why: 'event_type' };
    const targets = await this.targets(connection, delivery);
    if (targets.length === 0) return { handled: 'ignored', why: 'not_watched' };
    // stop() came while this read the database: it has flushed its windows, open no new one.
    if (this.stopping) return { handled: 'stopping' };
    const ids = this.schedule(connection, targets);
    if (ids.length === 0) return { handled: 'ignored', why: 'window_full' };
    return { handled: 'scheduled', ids };
  }

  /** The admin command's content: where Notion should send deliveries, and the token to verify. */
  async instructions(connection: string): Promise<Outcome<WebhookInstructions>> {
    const { config, store } = this.deps;
    if (config.slack.appToken)
      return refuse({ reason: 'webhooks_unavailable', why: 'socket_mode' });
    if (!config.publicUrl) return refuse({ reason: 'webhooks_unavailable', why: 'no_public_url' });
    if (!(await this.isKnown(connection))) {
      const known = (await store.connections.list()).map((row) => row.name);
      return refuse({ reason: 'unknown_connection', name: connection, known });
    }
    const secrets = await store.connections.webhookSecrets(connection);
    const token = this.open(connection, secrets.pending);
    return {
      ok: true,
      url: `${config.publicUrl}${webhookPath(connection, this.deps.team)}`,
      verified: secrets.current !== undefined,
      ...(token && secrets.pendingAt !== undefined
        ? { pending: { token, receivedAt: secrets.pendingAt } }
        : {}),
      ...(config.encryptionKey ? {} : { missingEncryptionKey: true as const }),
    };
  }

  /** Re-checks scheduled or running now (for tests and the stop log). */
  get pendingCount(): number {
    let ids = 0;
    for (const batch of this.batches.values()) ids += batch.ids.size;
    return ids + this.running.size;
  }

  /**
   * Stops taking events, starts every waiting re-check now (an event already answered 200 is
   * not sent again) and waits up to `graceMs` for the re-checks in flight. False on timeout.
   */
  async stop(graceMs = 20_000): Promise<boolean> {
    this.stopping = true;
    for (const connection of [...this.batches.keys()]) this.flush(connection);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    const settled = Promise.allSettled([...this.running]).then(() => true as const);
    const drained = await Promise.race([settled, timeout]);
    clearTimeout(timer);
    return drained;
  }

  /**
   * Ids this event should re-check: the entity (and a data source's database) if watched or
   * inventoried; `untracked` when it is neither, only because a channel watches all.
   */
  private async targets(
    connection: string,
    delivery: Extract<Delivery, { kind: 'event' }>,
  ): Promise<{ id: string; untracked: boolean }[]> {
    const { store } = this.deps;
    const watched = new Set(
      (await store.watches.forConnection(connection)).map((watch) => normalizeId(watch.resourceId)),
    );
    const isTracked = async (id: string) =>
      watched.has(id) || (await store.inventory.get(connection, id)) !== undefined;
    const entity = normalizeId(delivery.entity.id);
    const found: { id: string; untracked: boolean }[] = [];
    // A new, restored or moved object may be one a "watch all" channel should now count.
    const mayBeNew = !delivery.type.endsWith('.deleted');
    if (await isTracked(entity)) found.push({ id: entity, untracked: false });
    else if (mayBeNew && (await store.channels.watchingAll(connection)).length > 0) {
      found.push({ id: entity, untracked: true });
    }
    // A watch may name a database while Notion (2025-09-03) reports on its data source.
    const parent = delivery.parent;
    if (delivery.entity.type === 'data_source' && parent?.type === 'database') {
      const database = normalizeId(parent.id);
      if (database !== entity && (await isTracked(database))) {
        found.push({ id: database, untracked: false });
      }
    }
    return found;
  }

  /**
   * Adds ids to the connection's window (opening it if needed). Ids nobody watches yet are
   * capped per window: a signed stream of made-up ids cannot spend the token's whole budget,
   * and the next sweep's listing finds real new pages anyway. Returns the ids now in it.
   */
  private schedule(connection: string, targets: { id: string; untracked: boolean }[]): string[] {
    let batch = this.batches.get(connection);
    if (!batch) {
      const timer = setTimeout(() => this.flush(connection), this.debounceMs);
      timer.unref();
      batch = { ids: new Set(), untracked: 0, timer };
      this.batches.set(connection, batch);
    }
    const added: string[] = [];
    for (const { id, untracked } of targets) {
      if (batch.ids.has(id)) {
        added.push(id);
        continue;
      }
      if (untracked) {
        if (batch.untracked >= MAX_UNTRACKED_PER_WINDOW) continue;
        batch.untracked++;
      }
      batch.ids.add(id);
      added.push(id);
    }
    return added;
  }

  /** Closes the connection's window: one re-check of every id gathered in it. */
  private flush(connection: string): void {
    const batch = this.batches.get(connection);
    if (!batch) return;
    clearTimeout(batch.timer);
    this.batches.delete(connection);
    const ids = [...batch.ids];
    const work = Promise.resolve()
      .then(() => this.deps.rechecker.recheck(connection, ids))
      .then(
        () => this.deps.logger.info({ connection, objects: ids.length }, 'webhook re-check done'),
        (error: unknown) =>
          this.deps.logger.error(
            { err: error, connection, objects: ids.length },
            'webhook re-check failed; the next sweep checks these objects',
          ),
      );
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  /**
   * After an ENCRYPTION_KEY rotation, seals again with the new key every webhook secret still
   * sealed with ENCRYPTION_KEY_PREVIOUS (as Connections does for tokens). Returns how many.
   */
  async reencryptWithCurrentKey(): Promise<number> {
    const { encryptionKey: key, previousEncryptionKey } = this.deps.config;
    if (!key || !previousEncryptionKey) return 0;
    let count = 0;
    for (const { name } of await this.deps.store.connections.list()) {
      const secrets = await this.deps.store.connections.webhookSecrets(name);
      const reseal = (sealed: string | undefined) => {
        const opened = this.openWithKey(name, sealed);
        if (!opened?.withPrevious) return undefined;
        count++;
        return encryptSecret(opened.secret, key);
      };
      const current = reseal(secrets.current);
      const pending = reseal(secrets.pending);
      if (current || pending) {
        await this.deps.store.connections.resealWebhookSecrets(name, { current, pending });
      }
    }
    return count;
  }

  /** A sealed secret, opened with ENCRYPTION_KEY (or the previous key during a rotation). */
  private open(connection: string, sealed: string | undefined): string | undefined {
    return this.openWithKey(connection, sealed)?.secret;
  }

  private openWithKey(
    connection: string,
    sealed: string | undefined,
  ): { secret: string; withPrevious: boolean } | undefined {
    if (!sealed) return undefined;
    const { encryptionKey, previousEncryptionKey } = this.deps.config;
    const opened = openSealed(sealed, [encryptionKey, previousEncryptionKey]);
    if (opened) return { secret: opened.plain, withPrevious: opened.withPrevious };
    this.deps.logger.error(
      { connection },
      'the Notion webhook verification token cannot be decrypted (was ENCRYPTION_KEY changed?): create the subscription again in Notion and run /notion-check webhook',
    );
    return undefined;
  }
}

/** Watches and inventories hold ids as the SDK's extractNotionId writes them (dashed, lower case). */
function normalizeId(id: string): string {
  return extractNotionId(id) ?? id.toLowerCase();
}
