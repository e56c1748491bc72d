import type { Diagnosis } from './diagnosis';

/**
 * A connection: one Notion integration's token, named. `default` comes from NOTION_TOKEN;
 * others are set from Slack. Only the fingerprint (last 4 characters) is ever shown.
 */

export const DEFAULT_CONNECTION = 'default';

/** `default`, `sync-2`, `n8n_flow`: what `/notion-check token <name>` accepts. */
export const CONNECTION_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/i;

export interface Connection {
  name: string;
  source: 'env' | 'slack';
  /** AES-256-GCM sealed token (tokens saved from Slack only). */
  tokenCiphertext?: string;
  tokenFingerprint: string;
  tokenHash: string;
  updatedBy?: string;
  updatedAt: number;
  /** NOTION_TOKEN's hash when a token was saved from Slack: if .env changes later, .env wins. */
  envTokenHash?: string;
  /** Who the token belongs to, from Notion's users.me at its last good check. */
  integrationName?: string;
  workspaceName?: string;
}

/** The integration a connection's token stands for, as users.me last said. */
export interface ConnectionIdentity {
  integrationName?: string;
  workspaceName?: string;
}

/** A channel's chosen connection (`/notion-check use <name>`). */
export interface ChannelConnection {
  channelId: string;
  connection: string;
  setBy: string;
  setAt: number;
}

/** A channel watching everything a connection can see (`/notion-check watch all`). */
export interface WatchAll {
  channelId: string;
  connection: string;
  addedBy: string;
  addedAt: number;
}

/** A connection's Notion webhook verification tokens, sealed like Notion tokens. */
export interface WebhookSecrets {
  /** The token deliveries were last verified with. */
  current?: string;
  /** The latest verification request's token, until a delivery signed with it arrives. */
  pending?: string;
  pendingAt?: number;
}

/** A Notion token someone pasted in Slack: only its hash and fingerprint are kept. */
export interface Leak {
  id: string;
  channelId: string;
  messageTs: string;
  tokenHash: string;
  fingerprint: string;
  /** The connection whose current token it is, if it is one of ours. */
  connection?: string;
  reportedBy?: string;
  createdAt: number;
}

/** The one thread warning posted under a message with pasted tokens: edits update it. */
export interface LeakWarning {
  channelId: string;
  /** The message holding the tokens. */
  messageTs: string;
  /** The warning's own ts (what chat.update needs). */
  ts: string;
  postedAt: number;
}

/** One line of `/notion-check connections`. */
export interface ConnectionOverview {
  name: string;
  source?: Connection['source'];
  fingerprint?: string;
  integrationName?: string;
  workspaceName?: string;
  /** What users.me says now (token_missing when there is no token). */
  diagnosis: Diagnosis;
  compromised: boolean;
  watches: { here: number; total: number };
  /** This channel watches everything the connection can see. */
  watchingAllHere: boolean;
  /** This channel's connection (`use`, else `default`). */
  usedHere: boolean;
  webhook: 'verified' | 'pending' | 'none';
}

/** What `disconnect` would remove (shown before the Remove button) and did remove. */
export interface DisconnectSummary {
  name: string;
  integrationName?: string;
  fingerprint?: string;
  watches: number;
  channels: number;
  inventory: number;
  openAlerts: number;
}
