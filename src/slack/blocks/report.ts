import type { KnownBlock } from '@slack/types';
import type { ResourceCheck } from '../../notion/check';
import type { Diagnosis, DiagnosisCategory } from '../../notion/diagnose';
import type { CheckRun } from '../../services/checks';
import { formatDuration } from '../../time';
import { context, escapeMrkdwn, header, mrkdwnLink, sections } from './text';

/** Beyond this many resource lines the report lists problems and counts the rest. */
export const MAX_RESOURCE_LINES = 40;
export const EXAMPLE_URL = 'https://www.notion.so/acme/Roadmap-0123456789abcdef0123456789abcdef';

const EMOJI: Record<DiagnosisCategory, string> = {
  ok: ':white_check_mark:',
  access: ':x:',
  transient: ':warning:',
  input: ':grey_question:',
  unexpected: ':warning:',
};

export function statusEmoji(result: Diagnosis): string {
  return result.kind === 'in_trash' ? ':wastebasket:' : EMOJI[result.category];
}

/** The title, plus the cause for network failures ("connection refused") so admins can act. */
function diagnosisText(result: Diagnosis): string {
  return result.kind === 'network' && result.detail.message
    ? `${result.title} (${escapeMrkdwn(result.detail.message)})`
    : result.title;
}

export function resourceLabel(resource: ResourceCheck): string {
  if (!resource.id) return `\`${escapeMrkdwn(resource.input.slice(0, 100))}\``;
  const name = escapeMrkdwn(resource.title ?? resource.id);
  // Without a title (Notion did not answer), link what the user typed, if it was a URL.
  const linked = mrkdwnLink(resource.url ?? (resource.title ? undefined : resource.input), name);
  const type = resource.type === 'data_source' ? 'data source' : resource.type;
  return resource.type === 'unknown' ? linked : `${linked} (${type})`;
}

function resourceLine(resource: ResourceCheck): string {
  const result = resource.diagnosis;
  const example =
    result.kind === 'invalid_input' ? ` — paste a page link such as ${EXAMPLE_URL}` : '';
  return `${statusEmoji(result)} ${resourceLabel(resource)} — ${diagnosisText(result)}${example}`;
}

function tokenLine(run: CheckRun): string {
  const leaked = run.compromised
    ? ' — :rotating_light: *compromised*: it was posted in Slack, regenerate it'
    : '';
  return `${tokenStatus(run)}${leaked}`;
}

function tokenStatus(run: CheckRun): string {
  const token = run.fingerprint ? `Token ${run.fingerprint}` : 'No token';
  const result = run.token.diagnosis;
  if (result.kind === 'ok' && run.integration) {
    const owner = run.integration.ownerType === 'user' ? ', owned by a user' : '';
    const workspace = run.integration.workspaceName
      ? ` in workspace *${escapeMrkdwn(run.integration.workspaceName)}*`
      : '';
    return `${statusEmoji(result)} ${token} works — integration *${escapeMrkdwn(run.integration.name)}*${workspace}${owner}`;
  }
  if (result.kind === 'token_missing') {
    return `${statusEmoji(result)} ${result.title} (\`${escapeMrkdwn(run.connection)}\`): an admin can set one with \`/notion-check token\`.`;
  }
  return `${statusEmoji(result)} ${token} — ${diagnosisText(result)}`;
}

export function problemCount(run: CheckRun): number {
  const failing = run.resources.filter((resource) => resource.diagnosis.kind !== 'ok').length;
  return run.token.diagnosis.kind === 'ok' ? failing : Math.max(failing, 1);
}

export function reportText(run: CheckRun): string {
  const problems = problemCount(run);
  const checked = run.resources.length
    ? `${run.resources.length} page${run.resources.length === 1 ? '' : 's'} or databases`
    : 'the token';
  return problems === 0
    ? `Notion check: all good (${checked})`
    : `Notion check: ${problems} problem${problems === 1 ? '' : 's'} found (${checked})`;
}

function resourceLines(resources: ResourceCheck[]): string[] {
  if (resources.length <= MAX_RESOURCE_LINES) return resources.map(resourceLine);
  const problems = resources.filter((resource) => resource.diagnosis.kind !== 'ok');
  const shown = problems.slice(0, MAX_RESOURCE_LINES);
  const hiddenProblems = problems.length - shown.length;
  const ok = resources.length - problems.length;
  return [
    ...shown.map(resourceLine),
    hiddenProblems > 0 ? `…and ${hiddenProblems} more with problems (see the thread)` : '',
    ok > 0 ? `${EMOJI.ok} ${ok} more accessible` : '',
  ].filter(Boolean);
}

export interface ReportOptions {
  userId: string;
  /** Shown once a walkthrough in the thread resolved the problems. */
  resolvedNote?: string;
}

/** The one message a `/notion-check` posts: token line, a line per resource, who and how long. */
export function buildReportBlocks(run: CheckRun, options: ReportOptions): KnownBlock[] {
  const transient = [run.token, ...run.resources].some(
    (item) => item.diagnosis.category === 'transient',
  );
  const notes = [
    `Checked by <@${options.userId}> in ${formatDuration(run.durationMs)} · connection \`${escapeMrkdwn(run.connection)}\``,
  ];
  if (transient) {
    notes.push(
      'Notion is unavailable or rate limiting us — not an access problem, try again later.',
    );
  } else if (problemCount(run) > 0 && !options.resolvedNote) {
    notes.push('How to fix it: see the thread :thread:');
  }
  return [
    header('Notion access check'),
    ...sections([tokenLine(run), ...resourceLines(run.resources)]),
    ...(options.resolvedNote ? sections([options.resolvedNote]) : []),
    context(...notes),
  ];
}
