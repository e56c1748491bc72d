/** How a page, database or diagnosis appears in any message: one place for each. */
import type { ResourceRef } from '../../domain/check';
import type { Diagnosis, DiagnosisCategory } from '../../domain/diagnosis';
import { DIAGNOSIS_TITLES } from './copy';
import { slackTime } from './format';
import { escapeMrkdwn, isNotionUrl, mrkdwnLink } from './mrkdwn';

export const CATEGORY_EMOJI: Record<DiagnosisCategory, string> = {
  ok: ':white_check_mark:',
  access: ':x:',
  transient: ':warning:',
  input: ':grey_question:',
  unexpected: ':warning:',
};

export function statusEmoji(result: Diagnosis): string {
  return result.kind === 'in_trash' ? ':wastebasket:' : CATEGORY_EMOJI[result.category];
}

export function diagnosisTitle(result: Pick<Diagnosis, 'kind'>): string {
  return DIAGNOSIS_TITLES[result.kind];
}

/** The title, plus the cause for network failures ("connection refused") so admins can act. */
export function diagnosisText(result: Diagnosis): string {
  const title = diagnosisTitle(result);
  if (result.kind === 'network' && result.detail.message) {
    return `${title} (${escapeMrkdwn(result.detail.message)})`;
  }
  if (result.kind === 'rate_limited') {
    const when = result.detail.retryAt ? `, retry at ${slackTime(result.detail.retryAt)}` : '';
    const why = result.detail.reason ? ` (Notion says: ${escapeMrkdwn(result.detail.reason)})` : '';
    return `${title}${when}${why}`;
  }
  return title;
}

/**
 * `<url|Roadmap> (page)`; `` `what they typed` `` when it held no Notion id. Links go only to
 * the URL Notion returned or, without a title (Notion did not answer), to what the user typed
 * if it is a Notion link (`isNotionUrl`): never an outside site under a Notion-id label.
 */
export function resourceLabel(resource: ResourceRef): string {
  if (!resource.id) return `\`${escapeMrkdwn(resource.input.slice(0, 100))}\``;
  const name = escapeMrkdwn(resource.title ?? resource.id);
  const typed = !resource.title && isNotionUrl(resource.input) ? resource.input : undefined;
  const linked = mrkdwnLink(resource.url ?? typed, name);
  const type = resource.type === 'data_source' ? 'data source' : resource.type;
  return resource.type === 'unknown' ? linked : `${linked} (${type})`;
}

const MAX_AFFECTED = 10;

/** `A, B and 3 more`: the resources one problem affects. */
export function listAffected(affected: ResourceRef[], max = MAX_AFFECTED): string {
  const shown = affected.slice(0, max).map(resourceLabel).join(', ');
  const more = affected.length - max;
  return more > 0 ? `${shown} and ${more} more` : shown;
}
