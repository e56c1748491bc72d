import type { KnownBlock } from '@slack/types';
import {
  type CheckRun,
  firstTransient,
  problemCount,
  type ResourceCheck,
} from '../../domain/check';
import { COPY, EXAMPLE_URL } from './copy';
import { formatDuration, mention, noun, plural } from './format';
import { capText, context, escapeMrkdwn, header, sections } from './mrkdwn';
import { CATEGORY_EMOJI, diagnosisText, resourceLabel, statusEmoji } from './resource';

/** Beyond this many resource lines the report lists problems and counts the rest. */
export const MAX_RESOURCE_LINES = 40;

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
    return `${statusEmoji(result)} ${diagnosisText(result)} (\`${escapeMrkdwn(run.connection)}\`): an admin can set one with \`/notion-check token\`.`;
  }
  return `${statusEmoji(result)} ${token} — ${diagnosisText(result)}`;
}

export function reportText(run: CheckRun): string {
  const problems = problemCount(run);
  const checked = run.resources.length
    ? `${plural(run.resources.length, 'page')} or databases`
    : 'the token';
  return problems === 0
    ? `Notion check: all good (${checked})`
    : `Notion check: ${problems} ${noun(problems, 'problem')} found (${checked})`;
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
    ok > 0 ? `${CATEGORY_EMOJI.ok} ${ok} more accessible` : '',
  ].filter(Boolean);
}

/** The note a resolved report and its thread show: who fixed it, how long it took. */
export function resolvedNote(by: string, tookMs: number): string {
  return `:white_check_mark: Resolved by ${mention(by)} in ${formatDuration(tookMs)} — Notion answers again for every check that failed.`;
}

export interface ReportOptions {
  userId: string;
  /** Once a walkthrough in the thread resolved the problems. */
  resolution?: { by: string; tookMs: number };
}

/** The one message a `/notion-check` posts: token line, a line per resource, who and how long. */
export function buildReportBlocks(run: CheckRun, options: ReportOptions): KnownBlock[] {
  const notes = [
    `Checked by ${mention(options.userId)} in ${formatDuration(run.durationMs)} · connection \`${escapeMrkdwn(run.connection)}\``,
  ];
  if (firstTransient(run)) {
    notes.push(COPY.transientNote);
  } else if (problemCount(run) > 0 && !options.resolution) {
    notes.push('How to fix it: see the thread :thread:');
  }
  const resolved = options.resolution
    ? sections([resolvedNote(options.resolution.by, options.resolution.tookMs)])
    : [];
  return [
    header('Notion access check'),
    ...sections([tokenLine(run), ...resourceLines(run.resources)]),
    ...resolved,
    context(...notes),
  ];
}

export function buildReport(run: CheckRun, options: ReportOptions) {
  const text = options.resolution ? `${reportText(run)} — resolved` : reportText(run);
  return capText({ text, blocks: buildReportBlocks(run, options) });
}
