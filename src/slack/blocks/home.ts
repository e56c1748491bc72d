/** The App Home tab (PRODUCT.md, "App Home"): every word of it, within Slack's 100 blocks. */
import type { HomeView, KnownBlock, ModalView } from '@slack/types';
import { isSnoozed } from '../../domain/alert';
import type { ConnectionOverview } from '../../domain/connection';
import {
  type ChannelCut,
  cutWatches,
  type DayState,
  HOME_LIMITS,
  type Home,
  type HomeAlert,
  type HomeWalkthrough,
  listed,
  STRIP_DAYS,
  stripKey,
} from '../../domain/home';
import type { WatchAllSummary } from '../../domain/inventory';
import { STEPS } from '../../domain/playbook';
import { currentStep } from '../../domain/walkthrough';
import type { Watch } from '../../domain/watch';
import { ACTIONS, HOME_FORM } from './actions';
import { alertText } from './alert';
import { actions, button } from './buttons';
import { connectionLabel } from './connections';
import { connectionCode, counted, integrationLabel, mention, slackDate, thousands } from './format';
import { context, escapeMrkdwn, header, mrkdwnLink, section, sections } from './mrkdwn';
import { diagnosisText, diagnosisTitle, statusEmoji } from './resource';
import { STATE_EMOJI, watchName } from './watches';

/** Slack's limit for a Home view. */
export const HOME_MAX_BLOCKS = 100;

/**
 * One square a day. Characters, not `:codes:`: fourteen of them cost 28 characters instead of
 * about 300, so a channel's watches fit in one section.
 */
export const STRIP_SQUARE: Record<DayState, string> = {
  ok: '🟩',
  suspect: '🟨',
  failing: '🟥',
  unsure: '🟦',
  none: '⬜',
};

const LEGEND = `Last ${STRIP_DAYS} days, one square a day (UTC), today last: ${STRIP_SQUARE.ok} access · ${STRIP_SQUARE.suspect} one failed check · ${STRIP_SQUARE.failing} access lost · ${STRIP_SQUARE.unsure} Notion did not answer · ${STRIP_SQUARE.none} not checked`;

/** Watch titles are cut here on Home (a line per watch). */
const TITLE_MAX = 60;
/** A longer link is not linked: it would crowd out the lines after it. */
const MAX_URL = 300;

/**
 * The watch budgets tried in turn until the view fits: the first is HOME_LIMITS'; long lines
 * (long titles, links) need more sections, and then fewer watches are shown, and counted.
 */
const WATCH_BUDGETS: { lines: number; channels: number }[] = [
  { lines: HOME_LIMITS.watchLines, channels: HOME_LIMITS.channels },
  { lines: 40, channels: 12 },
  { lines: 25, channels: 8 },
  { lines: 12, channels: 5 },
  { lines: 5, channels: 3 },
  { lines: 0, channels: 0 },
];

// ---- connections ----------------------------------------------------------------------------

function connectionStatus(item: ConnectionOverview): string {
  if (item.diagnosis.kind === 'token_missing') {
    return `no token yet: an admin can set one with ${connectionCode(item.name, '/notion-check token ')}`;
  }
  return item.diagnosis.kind === 'ok' ? 'works' : diagnosisText(item.diagnosis);
}

/** `✅ `sync` (*Acme Sync*) in workspace *Acme* — token …abcd — works · 12 watches`. */
function overviewLine(item: ConnectionOverview): string {
  const emoji = item.compromised ? ':rotating_light:' : statusEmoji(item.diagnosis);
  const where = item.workspaceName ? ` in workspace *${escapeMrkdwn(item.workspaceName)}*` : '';
  // Without a token, its status says so (and how to set one).
  const token = item.fingerprint ? ` — token ${item.fingerprint}` : '';
  const source = item.fingerprint && item.source === 'env' ? ' from NOTION_TOKEN' : '';
  const leaked = item.compromised
    ? ' — *compromised*: it was posted in Slack, regenerate it and set it again'
    : '';
  const watches = `${counted(item.watches.total, 'watch', 'watches')} in all`;
  const webhook = item.webhook === 'verified' ? ' · Notion webhooks on' : '';
  return `${emoji} ${connectionLabel(item.name, item.integrationName)}${where}${token}${source} — ${connectionStatus(item)}${leaked} · ${watches}${webhook}`;
}

function connectionBlocks(home: Home): KnownBlock[] {
  const { shown, more } = listed(home.connections, HOME_LIMITS.connections);
  return [
    header(`Connections (${thousands(home.connections.length)})`),
    ...sections([
      ...shown.map(overviewLine),
      ...(more > 0 ? [`…and ${counted(more, 'more connection')}`] : []),
    ]),
    ...(home.admin ? addConnectionBlocks(home) : []),
  ];
}

/** Admins only: a name, and the button that opens the token form for it. */
function addConnectionBlocks(home: Home): KnownBlock[] {
  return [
    {
      type: 'input',
      block_id: HOME_FORM.blockId,
      optional: true,
      label: { type: 'plain_text', text: 'Connection name' },
      hint: {
        type: 'plain_text',
        text: 'Letters, digits, - and _ (e.g. sync). A new name adds a connection; an existing one gets a new token.',
      },
      element: {
        type: 'plain_text_input',
        action_id: HOME_FORM.actionId,
        placeholder: { type: 'plain_text', text: 'e.g. sync' },
        max_length: 32,
        ...(home.suggestedName ? { initial_value: home.suggestedName } : {}),
      },
    },
    actions('home_admin', [
      button('Add connection', ACTIONS.homeAddConnection, HOME_FORM.buttonValue, 'primary'),
    ]),
  ];
}

// ---- alerts and walkthroughs ----------------------------------------------------------------

function channel(id: string): string {
  return `<#${id}>`;
}

function alertLine({ alert, link }: HomeAlert, now: number): string {
  const where =
    alert.postedChannel && alert.postedChannel !== alert.channelId
      ? `${channel(alert.channelId)} (posted in ${channel(alert.postedChannel)})`
      : channel(alert.channelId);
  const who = alert.acknowledgedBy ? ` · :eyes: ${mention(alert.acknowledgedBy)} is on it` : '';
  const snoozed =
    isSnoozed(alert, now) && alert.snoozedUntil !== undefined
      ? ` · :zzz: snoozed until ${slackDate(alert.snoozedUntil)}`
      : '';
  const open = link
    ? mrkdwnLink(link, 'Open the alert')
    : alert.ts
      ? '_its message was not found_'
      : '_not posted yet_';
  const connection = connectionLabel(alert.connection, alert.details.integrationName);
  return `:rotating_light: ${alertText(alert)} — ${where} · ${connection} · since ${slackDate(alert.failingSince)}${who}${snoozed} · ${open}`;
}

function alertBlocks(home: Home): KnownBlock[] {
  const { shown, more } = home.alerts;
  const total = shown.length + more;
  if (total === 0) {
    return [header('Open alerts'), ...sections(['No open alerts in the channels you can see.'])];
  }
  return [
    header(`Open alerts (${thousands(total)})`),
    ...sections([
      ...shown.map((each) => alertLine(each, home.now)),
      ...(more > 0 ? [`…and ${counted(more, 'more open alert')}`] : []),
    ]),
    context('*Start fix*, *Acknowledge* and *Snooze* are on each alert: open it to use them.'),
  ];
}

function walkthroughLine({ walkthrough, link }: HomeWalkthrough): string {
  const { state } = walkthrough;
  const step = currentStep(state);
  const at = step ? state.steps.indexOf(step) + 1 : state.steps.length;
  const progress = step
    ? `step ${at} of ${state.steps.length}: ${STEPS[step.id].title}`
    : 'every step done or skipped';
  const escalated = state.status === 'escalated' ? ' · escalated' : '';
  const open = link ? mrkdwnLink(link, 'Open the walkthrough') : '_its message was not found_';
  const { run } = walkthrough.report;
  const connection = connectionLabel(run.connection, run.integration?.name);
  return `${state.status === 'escalated' ? ':sos:' : ':wrench:'} ${escapeMrkdwn(diagnosisTitle(state))} — ${channel(walkthrough.channelId)} · ${connection} · ${progress}${escalated} · started by ${mention(state.startedBy)} ${slackDate(state.startedAt)} · ${open}`;
}

function walkthroughBlocks(home: Home): KnownBlock[] {
  const { shown, more } = home.walkthroughs;
  const total = shown.length + more;
  if (total === 0) {
    return [
      header('Open walkthroughs'),
      ...sections(['No fix walkthrough is open in the channels you can see.']),
    ];
  }
  return [
    header(`Open walkthroughs (${thousands(total)})`),
    ...sections([
      ...shown.map(walkthroughLine),
      ...(more > 0 ? [`…and ${counted(more, 'more open walkthrough')}`] : []),
    ]),
  ];
}

// ---- watches --------------------------------------------------------------------------------

/** `🟩🟩…🟥`: the watch's 14 days, oldest first. */
export function stripText(strip: DayState[] | undefined): string {
  const days = strip ?? Array.from({ length: STRIP_DAYS }, (): DayState => 'none');
  return days.map((day) => STRIP_SQUARE[day]).join('');
}

function watchLine(watch: Watch, home: Home, named: boolean): string {
  const url = watch.url && watch.url.length <= MAX_URL ? watch.url : undefined;
  const link = mrkdwnLink(url, watchName(watch, TITLE_MAX));
  const { state, since } = watch.status;
  const failing =
    state === 'failing'
      ? ` · failing since ${slackDate(since)}`
      : state === 'suspect'
        ? ' · one check failed, waiting for the next'
        : '';
  const connection = named ? ` · ${connectionCode(watch.connection)}` : '';
  const strip = stripText(home.strips.get(stripKey(watch.connection, watch.resourceId)));
  return `${strip} ${STATE_EMOJI[state]} ${link}${failing}${connection}`;
}

function everythingLine(line: WatchAllSummary): string {
  const who = integrationLabel(line.connection, line.integrationName);
  const what =
    line.count === 1 ? '1 page or database' : `${thousands(line.count)} pages and databases`;
  return `:eyes: Everything ${who} can see: ${what}`;
}

function channelTitle(cut: ChannelCut): string {
  const states = [
    ...(cut.failing ? [`${cut.failing} failing`] : []),
    ...(cut.suspect ? [`${cut.suspect} suspect`] : []),
  ];
  return `*${channel(cut.channelId)}* — ${counted(cut.total, 'watch', 'watches')}${states.length ? `: ${states.join(', ')}` : ''}`;
}

function channelBlocks(cut: ChannelCut, home: Home, named: boolean): KnownBlock[] {
  const { shown: everything, more: moreEverything } = cut.everything;
  return sections([
    channelTitle(cut),
    ...everything.map(everythingLine),
    ...(moreEverything > 0 ? [`…and ${moreEverything} more "watch all"`] : []),
    ...cut.shown.map((watch) => watchLine(watch, home, named)),
    ...(cut.more > 0
      ? [`…and ${counted(cut.more, 'more watch', 'more watches')} in ${channel(cut.channelId)}`]
      : []),
  ]);
}

function watchBlocks(home: Home, limits: { lines: number; channels: number }): KnownBlock[] {
  const total = home.channels.reduce((sum, group) => sum + group.watches.length, 0);
  if (home.channels.length === 0) {
    return [
      header('Watches'),
      ...sections([
        'No watches in the channels you can see. In a channel, `/notion-check watch <link>` adds one.',
      ]),
    ];
  }
  const cut = cutWatches(home.channels, limits);
  const named = home.connections.length > 1;
  const rest =
    cut.moreChannels > 0
      ? [
          section(
            `…and ${counted(cut.moreChannels, 'more channel')} with ${counted(cut.moreWatches, 'watch', 'watches')}`,
          ),
        ]
      : [];
  return [
    header(`Watches (${thousands(total)})`),
    context(LEGEND),
    ...cut.channels.flatMap((each) => channelBlocks(each, home, named)),
    ...rest,
  ];
}

// ---- the view -------------------------------------------------------------------------------

/** What could not be looked up, said plainly: the Home shows less because of it. */
function unknownNotes(home: Home): KnownBlock[] {
  const notes: string[] = [];
  if (home.unknown.membership) {
    notes.push(
      ':warning: Slack did not tell me which private channels you are in, so nothing from private channels is shown. Open this tab again in a minute to retry.',
    );
  }
  if (home.unknown.channels) {
    notes.push(
      ':warning: Slack did not tell me about some channels, so their watches are not shown. Open this tab again in a minute to retry.',
    );
  }
  return notes.map((note) => context(note));
}

function homeBlocks(home: Home, limits: { lines: number; channels: number }): KnownBlock[] {
  return [
    header('Notion access'),
    context(
      `Updated ${slackDate(home.now)} · you see the public channels and the private channels you are in`,
    ),
    ...unknownNotes(home),
    ...connectionBlocks(home),
    { type: 'divider' },
    ...alertBlocks(home),
    { type: 'divider' },
    ...walkthroughBlocks(home),
    { type: 'divider' },
    ...watchBlocks(home, limits),
  ];
}

/** The Home view for one viewer: fewer watch lines when the first budget needs too many blocks. */
export function buildHomeView(home: Home): HomeView {
  for (const limits of WATCH_BUDGETS) {
    const blocks = homeBlocks(home, limits);
    if (blocks.length <= HOME_MAX_BLOCKS) return { type: 'home', blocks };
  }
  // Not reached: without watch lines every part is capped far below the limit. Kept so no
  // Home is ever refused by Slack.
  const blocks = homeBlocks(home, { lines: 0, channels: 0 }).slice(0, HOME_MAX_BLOCKS - 1);
  return { type: 'home', blocks: [...blocks, context('…cut to fit Slack’s limit.')] };
}

// ---- Add connection -------------------------------------------------------------------------

export const HOME_REPLIES = {
  nameMissing:
    'Type a name for the connection first (for example `sync`), then press *Add connection*.',
  nameInvalid: (name: string) =>
    `\`${escapeMrkdwn(name.slice(0, 40))}\` can't be a connection name: use 1 to 32 letters, digits, \`-\` or \`_\`, starting with a letter or digit (for example \`sync\`).`,
} as const;

/** A refusal after a click on Home (there is no channel to whisper in): a small modal. */
export function homeNoticeModal(text: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'Add connection' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [section(text)],
  };
}
