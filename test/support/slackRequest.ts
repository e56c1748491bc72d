/**
 * Drives the real Bolt app over HTTP the way Slack does: form-encoded slash commands and
 * interactivity payloads, JSON events, all signed with Slack's v0 algorithm.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { SLACK_IDS } from '../fakes/fakeSlack';
import { findButton } from './blocks';

export interface SlackHttpResult {
  status: number;
  /** Raw response body. */
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON (Bolt's empty ack is ''). */
  json: unknown;
  headers: Record<string, string>;
  elapsedMs: number;
}

export interface SignOptions {
  /** Sends X-Slack-Retry-Num (and X-Slack-Retry-Reason: http_timeout). */
  retryNum?: number;
  /** Unix seconds used to sign; default now. Use an old one to test stale-request rejection. */
  timestamp?: number;
  /** Sent verbatim instead of the computed `v0=…` signature (forged requests). */
  signature?: string;
}

export interface SlashCommandInput {
  command?: string;
  text: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  teamId?: string;
  /** Default SLACK_IDS.appId. */
  apiAppId?: string;
  triggerId?: string;
  responseUrl: string;
}

export interface BlockActionInput {
  actionId: string;
  value: string;
  blockId?: string;
  userId?: string;
  channelId?: string;
  messageTs?: string;
  threadTs?: string;
  triggerId?: string;
  responseUrl: string;
  /** Same value on a re-delivery of the same click (Slack retries keep it). */
  actionTs?: string;
  /** The message the button sits on, as Slack echoes it back. */
  message?: { text?: string; blocks?: unknown[] };
  /** The clicker's workspace (`team.id`, `user.team_id`); default SLACK_IDS.teamId. */
  teamId?: string;
  /** Default SLACK_IDS.appId. */
  apiAppId?: string;
}

/** A message shortcut (`message_action`) used on a message. */
export interface MessageShortcutInput {
  callbackId: string;
  /** The message it was used on, as Slack echoes it back. */
  message: {
    ts: string;
    text?: string;
    /** Its author; default SLACK_IDS.userId. */
    user?: string;
    blocks?: unknown[];
    attachments?: unknown[];
    /** Set when the message is a reply: its parent's ts. */
    threadTs?: string;
  };
  responseUrl: string;
  userId?: string;
  channelId?: string;
  channelName?: string;
  triggerId?: string;
  /** Same value on a re-delivery of the same use (Slack retries keep it). */
  actionTs?: string;
  teamId?: string;
}

export interface ViewSubmissionInput {
  callbackId: string;
  privateMetadata: string;
  /**
   * state.values by block_id then action_id. A string is shorthand for a plain_text_input
   * `{ type: 'plain_text_input', value }`.
   */
  values: Record<string, Record<string, string | Record<string, unknown>>>;
  userId?: string;
  viewId?: string;
  /** The view's version, as Slack sends it back (a replay carries the same); default: per second. */
  hash?: string;
  triggerId?: string;
  /** The submitter's workspace (`team.id`, `user.team_id`, the view's `team_id`); default SLACK_IDS.teamId. */
  teamId?: string;
  /** Default SLACK_IDS.appId. */
  apiAppId?: string;
}

/** `v0=` + HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret. */
export function signSlackRequest(
  signingSecret: string,
  timestamp: number,
  rawBody: string,
): string {
  const digest = createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:${rawBody}`)
    .digest('hex');
  return `v0=${digest}`;
}

/** Headers Slack sends with a request: signature, timestamp and optional retry headers. */
export function slackHeaders(
  signingSecret: string,
  rawBody: string,
  contentType: string,
  options: SignOptions = {},
): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': options.signature ?? signSlackRequest(signingSecret, timestamp, rawBody),
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return headers;
}

/** Bolt listens on `/slack/events`; a bare base URL gets that path appended. */
export function eventsUrl(appUrl: string): string {
  const url = new URL(appUrl);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/slack/events';
  return url.toString();
}

export async function postRaw(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<SlackHttpResult> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  const elapsedMs = performance.now() - started;
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    body: text,
    json,
    headers: Object.fromEntries(response.headers.entries()),
    elapsedMs,
  };
}

function postForm(
  appUrl: string,
  secret: string,
  fields: Record<string, string>,
  options?: SignOptions,
) {
  const body = new URLSearchParams(fields).toString();
  const headers = slackHeaders(secret, body, 'application/x-www-form-urlencoded', options);
  return postRaw(eventsUrl(appUrl), body, headers);
}

let triggerCount = 0;
/** The `user` object of an interactivity payload, as Slack sends it. */
function slackUser(userId: string, teamId: string = SLACK_IDS.teamId) {
  return {
    id: userId,
    username: userId.toLowerCase(),
    name: userId.toLowerCase(),
    team_id: teamId,
  };
}

function triggerId(): string {
  triggerCount += 1;
  return `${triggerCount}.${SLACK_IDS.teamId.slice(1)}.0f1e2d3c4b5a69788796a5b4c3d2e1f0`;
}

function actionTs(): string {
  return (Date.now() / 1000).toFixed(6);
}

export function sendSlashCommand(
  appUrl: string,
  signingSecret: string,
  input: SlashCommandInput,
  options?: SignOptions,
): Promise<SlackHttpResult> {
  const userId = input.userId ?? SLACK_IDS.userId;
  return postForm(
    appUrl,
    signingSecret,
    {
      token: 'deprecated-verification-token',
      team_id: input.teamId ?? SLACK_IDS.teamId,
      team_domain: SLACK_IDS.teamDomain,
      channel_id: input.channelId ?? SLACK_IDS.channelId,
      channel_name: input.channelName ?? 'general',
      user_id: userId,
      user_name: input.userName ?? userId.toLowerCase(),
      command: input.command ?? '/notion-check',
      text: input.text,
      api_app_id: input.apiAppId ?? SLACK_IDS.appId,
      is_enterprise_install: 'false',
      response_url: input.responseUrl,
      trigger_id: input.triggerId ?? triggerId(),
    },
    options,
  );
}

/** A button click's `block_actions` payload, as Slack sends it (before form-encoding). */
export function blockActionPayload(input: BlockActionInput): Record<string, unknown> {
  const userId = input.userId ?? SLACK_IDS.userId;
  const channelId = input.channelId ?? SLACK_IDS.channelId;
  const messageTs = input.messageTs ?? '1700000000.000100';
  const blockId = input.blockId ?? 'actions';
  const teamId = input.teamId ?? SLACK_IDS.teamId;
  const user = slackUser(userId, teamId);
  const thread = input.threadTs === undefined ? {} : { thread_ts: input.threadTs };
  return {
    type: 'block_actions',
    user,
    api_app_id: input.apiAppId ?? SLACK_IDS.appId,
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: messageTs,
      channel_id: channelId,
      is_ephemeral: false,
      ...thread,
    },
    trigger_id: input.triggerId ?? triggerId(),
    team: { id: teamId, domain: SLACK_IDS.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: 'general' },
    message: {
      type: 'message',
      user: SLACK_IDS.botUserId,
      bot_id: SLACK_IDS.botId,
      app_id: SLACK_IDS.appId,
      team: SLACK_IDS.teamId,
      ts: messageTs,
      text: input.message?.text ?? '',
      blocks: input.message?.blocks ?? [],
      ...thread,
    },
    state: { values: {} },
    response_url: input.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: blockId,
        text: { type: 'plain_text', text: input.actionId, emoji: true },
        value: input.value,
        action_ts: input.actionTs ?? actionTs(),
      },
    ],
  };
}

export function sendBlockAction(
  appUrl: string,
  signingSecret: string,
  input: BlockActionInput,
  options?: SignOptions,
): Promise<SlackHttpResult> {
  const payload = blockActionPayload(input);
  return postForm(appUrl, signingSecret, { payload: JSON.stringify(payload) }, options);
}

/** Where pressButton sends the click: the app under test and the fake Slack (a Harness). */
export interface ButtonApp {
  appUrl: string;
  signingSecret: string;
  slack: { responseUrl(id: string): string };
}

/**
 * Clicks the button labelled `label` on a message the fake Slack received (a chat.postMessage
 * call): sends back its action_id and value from the message's channel and ts, as Slack does.
 * `options` overrides the rest of the click (who, which thread, …).
 */
export async function pressButton(
  app: ButtonApp,
  call: { body: { blocks?: unknown; channel?: unknown }; response?: { ts?: unknown } },
  label: string,
  options: Omit<Partial<BlockActionInput>, 'actionId' | 'value' | 'responseUrl'> = {},
): Promise<{ response: SlackHttpResult; responseId: string }> {
  const target = findButton(call.body.blocks, label);
  const responseId = `press-${randomBytes(4).toString('hex')}`;
  const response = await sendBlockAction(app.appUrl, app.signingSecret, {
    actionId: target.action_id,
    value: target.value,
    channelId: String(call.body.channel),
    messageTs: String(call.response?.ts),
    responseUrl: app.slack.responseUrl(responseId),
    ...options,
  });
  return { response, responseId };
}

/** A message shortcut's interactivity payload, form-encoded and signed as Slack sends it. */
export function sendMessageShortcut(
  appUrl: string,
  signingSecret: string,
  input: MessageShortcutInput,
  options?: SignOptions,
): Promise<SlackHttpResult> {
  const userId = input.userId ?? SLACK_IDS.userId;
  const teamId = input.teamId ?? SLACK_IDS.teamId;
  const { message } = input;
  const payload = {
    type: 'message_action',
    token: 'deprecated-verification-token',
    action_ts: input.actionTs ?? actionTs(),
    team: { id: teamId, domain: SLACK_IDS.teamDomain },
    user: slackUser(userId, teamId),
    channel: { id: input.channelId ?? SLACK_IDS.channelId, name: input.channelName ?? 'general' },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: input.callbackId,
    trigger_id: input.triggerId ?? triggerId(),
    response_url: input.responseUrl,
    message_ts: message.ts,
    message: {
      type: 'message',
      user: message.user ?? SLACK_IDS.userId,
      ts: message.ts,
      text: message.text ?? '',
      ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
      ...(message.attachments === undefined ? {} : { attachments: message.attachments }),
      ...(message.threadTs === undefined ? {} : { thread_ts: message.threadTs }),
    },
  };
  return postForm(appUrl, signingSecret, { payload: JSON.stringify(payload) }, options);
}

export function sendViewSubmission(
  appUrl: string,
  signingSecret: string,
  input: ViewSubmissionInput,
  options?: SignOptions,
): Promise<SlackHttpResult> {
  const userId = input.userId ?? SLACK_IDS.adminUserId;
  const viewId = input.viewId ?? 'V0001';
  const teamId = input.teamId ?? SLACK_IDS.teamId;
  const apiAppId = input.apiAppId ?? SLACK_IDS.appId;
  const values = Object.fromEntries(
    Object.entries(input.values).map(([blockId, actions]) => [
      blockId,
      Object.fromEntries(
        Object.entries(actions).map(([actionId, value]) => [
          actionId,
          typeof value === 'string' ? { type: 'plain_text_input', value } : value,
        ]),
      ),
    ]),
  );
  const payload = {
    type: 'view_submission',
    team: { id: teamId, domain: SLACK_IDS.teamDomain },
    user: slackUser(userId, teamId),
    api_app_id: apiAppId,
    token: 'deprecated-verification-token',
    trigger_id: input.triggerId ?? triggerId(),
    view: {
      id: viewId,
      team_id: teamId,
      type: 'modal',
      blocks: [],
      private_metadata: input.privateMetadata,
      callback_id: input.callbackId,
      state: { values },
      hash: input.hash ?? `${Math.floor(Date.now() / 1000)}.abcdef12`,
      title: { type: 'plain_text', text: 'Modal', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: { type: 'plain_text', text: 'Save', emoji: true },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: apiAppId,
      external_id: '',
      app_installed_team_id: teamId,
      bot_id: SLACK_IDS.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return postForm(appUrl, signingSecret, { payload: JSON.stringify(payload) }, options);
}

export function sendEvent(
  appUrl: string,
  signingSecret: string,
  event: Record<string, unknown>,
  options: {
    eventId: string;
    retryNum?: number;
    timestamp?: number;
    signature?: string;
    /** The envelope's team_id; default SLACK_IDS.teamId. */
    teamId?: string;
    /** The installation the event is delivered for (`authorizations`); default `teamId`. */
    authorizedTeamId?: string;
    apiAppId?: string;
    /** The installation's bot user (`authorizations[0].user_id`); default SLACK_IDS.botUserId. */
    botUserId?: string;
  },
): Promise<SlackHttpResult> {
  const teamId = options.teamId ?? SLACK_IDS.teamId;
  const body = JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: options.apiAppId ?? SLACK_IDS.appId,
    event,
    type: 'event_callback',
    event_id: options.eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: options.authorizedTeamId ?? teamId,
        user_id: options.botUserId ?? SLACK_IDS.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(options.eventId).toString('base64url')}`,
  });
  const headers = slackHeaders(signingSecret, body, 'application/json', options);
  return postRaw(eventsUrl(appUrl), body, headers);
}

/** A slash command's form body as Slack sends it, for tests that sign or corrupt it by hand. */
export function commandBody(text: string, responseUrl: string): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: SLACK_IDS.teamId,
    team_domain: SLACK_IDS.teamDomain,
    channel_id: SLACK_IDS.channelId,
    channel_name: 'general',
    user_id: SLACK_IDS.userId,
    user_name: 'regular.user',
    command: '/notion-check',
    text,
    api_app_id: SLACK_IDS.appId,
    response_url: responseUrl,
    trigger_id: '1.0001.0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  }).toString();
}

export interface AppHomeOpenedInput {
  userId?: string;
  /** `home` (default) or `messages`. */
  tab?: 'home' | 'messages';
  /** Default: a fresh one, so the event is never taken for a retried delivery. */
  eventId?: string;
  /** The workspace (the envelope's team_id); default SLACK_IDS.teamId. */
  teamId?: string;
  /** The installation's bot user (`authorizations`); default SLACK_IDS.botUserId. */
  botUserId?: string;
}

let homeEventCount = 0;

/** `app_home_opened`, as Slack sends it when someone opens the app's Home (or Messages) tab. */
export function sendAppHomeOpened(
  appUrl: string,
  signingSecret: string,
  input: AppHomeOpenedInput = {},
): Promise<SlackHttpResult> {
  homeEventCount += 1;
  const eventId = input.eventId ?? `Ev0HOME${Date.now().toString(36)}${homeEventCount}`;
  return sendEvent(
    appUrl,
    signingSecret,
    {
      type: 'app_home_opened',
      user: input.userId ?? SLACK_IDS.userId,
      channel: 'D0HOME0001',
      tab: input.tab ?? 'home',
      event_ts: (Date.now() / 1000).toFixed(6),
    },
    { eventId, teamId: input.teamId, botUserId: input.botUserId },
  );
}

export interface HomeBlockActionInput {
  actionId: string;
  value: string;
  userId?: string;
  blockId?: string;
  triggerId?: string;
  viewId?: string;
  /** What was typed in the view's inputs: state.values by block_id, then action_id. */
  values?: Record<string, Record<string, string>>;
  /** The clicker's workspace; default SLACK_IDS.teamId. */
  teamId?: string;
}

/**
 * A click on a button of the app's Home tab: the container is the view, and there is no
 * channel, no message and no response_url (Slack sends none for views).
 */
export function sendHomeBlockAction(
  appUrl: string,
  signingSecret: string,
  input: HomeBlockActionInput,
): Promise<SlackHttpResult> {
  const userId = input.userId ?? SLACK_IDS.userId;
  const viewId = input.viewId ?? 'V0HOME01';
  const teamId = input.teamId ?? SLACK_IDS.teamId;
  const values = Object.fromEntries(
    Object.entries(input.values ?? {}).map(([blockId, actions]) => [
      blockId,
      Object.fromEntries(
        Object.entries(actions).map(([actionId, value]) => [
          actionId,
          { type: 'plain_text_input', value },
        ]),
      ),
    ]),
  );
  const payload = {
    type: 'block_actions',
    user: slackUser(userId, teamId),
    api_app_id: SLACK_IDS.appId,
    token: 'deprecated-verification-token',
    container: { type: 'view', view_id: viewId },
    trigger_id: input.triggerId ?? triggerId(),
    team: { id: teamId, domain: SLACK_IDS.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    view: {
      id: viewId,
      team_id: teamId,
      type: 'home',
      blocks: [],
      private_metadata: '',
      callback_id: '',
      state: { values },
      hash: `${Math.floor(Date.now() / 1000)}.home0001`,
      title: { type: 'plain_text', text: 'View Title', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
      previous_view_id: null,
      root_view_id: viewId,
      app_id: SLACK_IDS.appId,
      external_id: '',
      app_installed_team_id: teamId,
      bot_id: SLACK_IDS.botId,
    },
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: input.blockId ?? 'home_admin',
        text: { type: 'plain_text', text: input.actionId, emoji: true },
        value: input.value,
        action_ts: actionTs(),
      },
    ],
  };
  return postForm(appUrl, signingSecret, { payload: JSON.stringify(payload) });
}
