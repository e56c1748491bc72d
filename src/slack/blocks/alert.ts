import type { KnownBlock } from '@slack/types';
import { type Alert, type AlertedRoot, isSnoozed } from '../../domain/alert';
import type { Watch } from '../../domain/watch';
import { ACTIONS } from './actions';
import { actions, button } from './buttons';
import { COPY } from './copy';
import {
  codeList,
  connectionLine,
  counted,
  formatDuration,
  integrationLabel,
  mention,
  noun,
  plural,
  slackDate,
  thousands,
} from './format';
import {
  context,
  escapeMrkdwn,
  mrkdwnLink,
  section,
  sections,
  sectionsWithin,
  truncate,
} from './mrkdwn';
import { diagnosisTitle } from './resource';

const MAX_LISTED = 30;
/** Roots named in an inventory alert; the rest are counted in the "…and N more roots" line. */
const MAX_ROOTS = 10;
/** Pages named inside each root. */
const MAX_EXAMPLES = 3;
const ROOT_TITLE_MAX = 100;
const EXAMPLE_TITLE_MAX = 60;
/** Notion's own links are ~100 characters; a longer one would eat a section, so it is not linked. */
const MAX_URL = 500;
/** Sections an inventory alert may use, leaving room for the buttons, context and a reroute note. */
const MAX_INVENTORY_SECTIONS = 40;

function watchLines(alert: Alert, watches: Watch[]): string[] {
  const state = new Map(watches.map((watch) => [watch.id, watch.status.state]));
  const listed = alert.details.watches.slice(0, MAX_LISTED).map((watch) => {
    const link = mrkdwnLink(watch.url, escapeMrkdwn(watch.title));
    const restored = alert.status === 'resolved' || state.get(watch.id) === 'ok';
    return `${restored ? ':white_check_mark:' : ':x:'} ${link}`;
  });
  const more = alert.details.watches.length - listed.length;
  return more > 0 ? [...listed, `…and ${more} more`] : listed;
}

// ---- inventory ("watch all") alerts: roots of a loss ----------------------------------------

/** The roots an inventory alert names, and the numbers for the rest. */
interface LossView {
  shown: AlertedRoot[];
  moreRoots: number;
  morePages: number;
  /** Every lost page, the roots included: the "42" of "lost access to 42 pages". */
  total: number;
}

/** Roots beyond MAX_ROOTS join the counted rest, so any number of roots fits one message. */
function lossView(alert: Alert): LossView {
  const roots = alert.details.roots ?? [];
  const size = (root: AlertedRoot) => root.inside + 1;
  const shown = roots.slice(0, MAX_ROOTS);
  const hidden = roots.slice(MAX_ROOTS);
  const moreRoots = (alert.details.moreRoots ?? 0) + hidden.length;
  const morePages = (alert.details.morePages ?? 0) + hidden.reduce((n, r) => n + size(r), 0);
  const inRoots = shown.reduce((n, r) => n + size(r), morePages);
  const total = inRoots > 0 ? inRoots : (alert.details.items?.length ?? 0);
  return { shown, moreRoots, morePages, total };
}

const isMany = (view: LossView) => view.shown.length + view.moreRoots > 1;

function pageTitle(title: string, max: number): string {
  return escapeMrkdwn(truncate(title.trim() ? title : 'Untitled', max));
}

function pageLink(url: string | undefined, label: string): string {
  return mrkdwnLink(url && url.length <= MAX_URL ? url : undefined, label);
}

/** `<url|Roadmap>`, `*Tasks* (database)`. */
function rootName(root: AlertedRoot): string {
  const name = pageLink(root.url, pageTitle(root.title, ROOT_TITLE_MAX));
  const type = { page: '', database: ' (database)', data_source: ' (data source)' }[root.type];
  return `${name}${type ?? ''}`;
}

/** `*Roadmap* and 41 pages inside it`, or the root alone when nothing else was lost with it. */
function rootPhrase(root: AlertedRoot): string {
  const name = rootName(root);
  return root.inside > 0 ? `${name} and ${counted(root.inside, 'page')} inside it` : name;
}

/** `<url|Q1 plan>, *Hiring* and 38 more`: a few of the lost pages inside a root. */
function examplesOf(root: AlertedRoot): string | undefined {
  const examples = root.examples.slice(0, MAX_EXAMPLES);
  if (examples.length === 0 || root.inside === 0) return undefined;
  const names = examples.map((page) =>
    pageLink(page.url, pageTitle(page.title, EXAMPLE_TITLE_MAX)),
  );
  const more = root.inside - examples.length;
  return more > 0 ? `${names.join(', ')} and ${thousands(more)} more` : names.join(', ');
}

function moreRootsLine(view: LossView): string[] {
  if (view.moreRoots === 0) return [];
  return [
    `…and ${thousands(view.moreRoots)} more ${noun(view.moreRoots, 'root')} (${counted(view.morePages, 'page')})`,
  ];
}

/** One line per root, marked with `emoji`, a few pages inside each; then the counted rest. */
function rootLines(view: LossView, emoji: string): string[] {
  const lines = view.shown.map((root) => {
    const examples = examplesOf(root);
    return `${emoji} ${rootPhrase(root)}${examples ? ` — e.g. ${examples}` : ''}`;
  });
  return [...lines, ...moreRootsLine(view)];
}

/** What probably happened and what to do, under the roots. */
function inventoryCause(alert: Alert, view: LossView): string[] {
  const many = isMany(view);
  const only = view.shown[0];
  if (alert.kind === 'in_trash') {
    const where = "from *Trash* in Notion's sidebar";
    const lines = [
      many || !only
        ? `Restore them ${where}: restoring a page brings back the pages inside it.`
        : only.inside > 0
          ? `Restore them ${where}: restoring ${rootName(only)} brings back the pages inside it.`
          : `Restore it ${where}.`,
    ];
    if (alert.details.trashedBy) {
      const who = escapeMrkdwn(truncate(alert.details.trashedBy, 100));
      lines.push(`Notion says ${many ? 'they were' : 'it was'} moved to trash by ${who}.`);
    }
    return lines;
  }
  if (alert.kind === 'not_shared') {
    return [
      many || !only
        ? 'Someone probably removed the connection from these pages, or moved them out of a shared page.'
        : `Someone probably removed the connection from ${rootName(only)}, or moved it out of a shared page.`,
    ];
  }
  return [`*Why:* ${escapeMrkdwn(diagnosisTitle(alert))}`];
}

/** The headline and the roots of an open inventory alert, in the words of PRODUCT.md. */
function inventoryLostLines(alert: Alert, view: LossView): string[] {
  const who = integrationLabel(alert.connection, alert.details.integrationName);
  const pages = counted(view.total, 'page');
  const only = view.shown[0];
  const trash = alert.kind === 'in_trash';
  const emoji = trash ? ':wastebasket:' : ':rotating_light:';
  const headline = trash
    ? `${emoji} ${pages} ${who} could see ${view.total === 1 ? 'is' : 'are'} in Notion's trash`
    : `${emoji} ${who} lost access to ${pages}`;
  const cause = inventoryCause(alert, view);
  if (!isMany(view) && only) {
    const examples = examplesOf(only);
    // One root: the root in the headline, the cause right after it, as one sentence flows.
    const [first = '', ...rest] = cause;
    const sentence = trash
      ? `${headline}: ${rootPhrase(only)} — ${first.charAt(0).toLowerCase()}${first.slice(1)}`
      : `${headline}: ${rootPhrase(only)}. ${first}`;
    return [sentence, ...(examples ? [`Inside it: ${examples}`] : []), ...rest];
  }
  return [`${headline}:`, ...rootLines(view, trash ? ':wastebasket:' : ':x:'), ...cause];
}

/** The fallback (notification) text of an inventory alert: names escaped, no markup of ours. */
function inventoryText(alert: Alert): string {
  const view = lossView(alert);
  const name = alert.details.integrationName;
  const who = name ? escapeMrkdwn(name) : `connection ${escapeMrkdwn(alert.connection)}`;
  const pages = counted(view.total, 'page');
  if (alert.status === 'resolved') {
    return `Notion access restored: ${who} can see ${view.total === 1 ? 'the page' : `the ${pages}`} again`;
  }
  const only = view.shown[0];
  const root = only
    ? `${escapeMrkdwn(truncate(only.title.trim() ? only.title : 'Untitled', ROOT_TITLE_MAX))}${
        only.inside > 0 ? ` and ${counted(only.inside, 'page')} inside it` : ''
      }`
    : '';
  const others = view.shown.length - 1 + view.moreRoots;
  const where = root
    ? ` (${root}${others > 0 ? `, and ${thousands(others)} more ${noun(others, 'root')}` : ''})`
    : '';
  return alert.kind === 'in_trash'
    ? `Notion access lost: ${pages} ${who} could see ${view.total === 1 ? 'is' : 'are'} in Notion's trash${where}`
    : `Notion access lost: ${who} lost access to ${pages}${where}`;
}

// ---- every alert ----------------------------------------------------------------------------

export function alertText(alert: Alert): string {
  const title = escapeMrkdwn(diagnosisTitle(alert));
  if (alert.status === 'resolved' && alert.details.closedBecause === 'disconnected') {
    return `Alert closed: connection ${escapeMrkdwn(alert.connection)} was removed`;
  }
  if (alert.status === 'resolved' && alert.details.closedBecause === 'unwatched') {
    return `Alert closed, pages no longer watched: ${title}`;
  }
  if (alert.scope === 'inventory') return inventoryText(alert);
  return alert.status === 'resolved'
    ? `Notion access restored: ${title}`
    : `Notion access lost: ${title}`;
}

/** The alert message: what was lost, since when, why; who is on it; the buttons. */
export function buildAlertBlocks(alert: Alert, watches: Watch[], now: number): KnownBlock[] {
  const inventory = alert.scope === 'inventory';
  const view = lossView(alert);
  const count = alert.details.watches.length;
  const title = escapeMrkdwn(diagnosisTitle(alert));
  const fingerprint = alert.details.fingerprint ? ` (${alert.details.fingerprint})` : '';
  const what = inventory
    ? counted(view.total, 'page')
    : alert.scope === 'connection'
      ? `the token of connection \`${escapeMrkdwn(alert.connection)}\`${fingerprint} — ${count} watched ${noun(count, 'page')} affected`
      : plural(count, 'watched page');
  const named = connectionLine(alert.connection, alert.details.integrationName);
  const was = context(named, `Was: ${title} · since ${slackDate(alert.failingSince)}`);

  if (alert.status === 'resolved' && alert.details.closedBecause === 'disconnected') {
    return [
      ...sections([
        `:white_circle: *Alert closed*: connection \`${escapeMrkdwn(alert.connection)}\` was removed, so nothing is checked with it any more.`,
      ]),
      was,
    ];
  }
  if (alert.status === 'resolved' && alert.details.closedBecause === 'unwatched') {
    return [
      ...sections([`:white_circle: *Alert closed*: ${what} no longer watched in this channel.`]),
      was,
    ];
  }
  if (alert.status === 'resolved') {
    const took = formatDuration((alert.resolvedAt ?? now) - alert.failingSince);
    if (inventory) {
      const who = integrationLabel(alert.connection, alert.details.integrationName);
      const again = view.total === 1 ? 'the page' : `the ${what}`;
      return [
        ...sectionsWithin(
          [
            `:large_green_circle: *Notion access restored* after ${took}: ${who} can see ${again} again.`,
            ...rootLines(view, ':white_check_mark:'),
          ],
          MAX_INVENTORY_SECTIONS,
        ),
        was,
      ];
    }
    return [
      ...sections([
        `:large_green_circle: *Notion access restored* after ${took}: ${what}.`,
        ...watchLines(alert, watches),
      ]),
      was,
    ];
  }

  const notes = [
    named,
    `Failing since ${slackDate(alert.failingSince)} (${formatDuration(now - alert.failingSince)})`,
  ];
  if (alert.details.requestIds.length) {
    notes.push(`Notion request IDs: ${codeList(alert.details.requestIds, 5)}`);
  }
  const status: string[] = [];
  if (alert.acknowledgedBy) {
    status.push(
      `:eyes: ${mention(alert.acknowledgedBy)} is on it (since ${slackDate(alert.acknowledgedAt ?? now)})`,
    );
  }
  const snoozed = isSnoozed(alert, now);
  if (snoozed && alert.snoozedUntil !== undefined) {
    status.push(
      `:zzz: Reminders snoozed by ${mention(alert.snoozedBy)} until ${slackDate(alert.snoozedUntil)}`,
    );
  }
  const buttons = [button('Start fix', ACTIONS.alertStartFix, alert.id, 'primary')];
  if (!alert.acknowledgedBy) {
    buttons.push(button('Acknowledge', ACTIONS.alertAcknowledge, alert.id));
  }
  if (!snoozed) buttons.push(button('Snooze 24 h', ACTIONS.alertSnooze, alert.id));
  const body = inventory
    ? sectionsWithin([...inventoryLostLines(alert, view), ...status], MAX_INVENTORY_SECTIONS)
    : sections([
        `:rotating_light: *Notion access lost*: ${what}.`,
        `*Why:* ${title}`,
        ...watchLines(alert, watches),
        ...status,
      ]);
  return [...body, actions('alert_actions', buttons), context(...notes)];
}

/** The alert as posted; `rerouted` when it went to ALERT_CHANNEL instead of its own channel. */
export function buildAlert(
  alert: Alert,
  watches: Watch[],
  now: number,
  rerouted?: { from: string; error?: string },
) {
  const blocks = buildAlertBlocks(alert, watches, now);
  if (!rerouted) return { text: alertText(alert), blocks };
  const note = `:warning: I could not post this in <#${rerouted.from}> (${rerouted.error}): ${COPY.invite}.`;
  return { text: alertText(alert), blocks: [section(note), ...blocks].slice(0, 50) };
}
