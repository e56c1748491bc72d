/**
 * What a Notion answer means for the team: the kind of problem, how serious, and the detail
 * Notion support needs. The words people read for each kind live at the Slack edge
 * (slack/blocks/copy.ts); the fix steps for each kind live in the playbook.
 */

export type DiagnosisKind =
  | 'ok'
  | 'token_missing'
  | 'token_invalid'
  | 'token_leaked'
  | 'not_shared'
  | 'restricted'
  | 'in_trash'
  | 'rate_limited'
  | 'notion_unavailable'
  | 'timeout'
  | 'busy'
  | 'network'
  | 'edge_blocked'
  | 'bad_response'
  | 'invalid_input'
  | 'unexpected';

/**
 * access: the integration lost access, a walkthrough fixes it. transient: Notion or the
 * network, retry later, never advise a new token. input: the user typed something wrong.
 */
export type DiagnosisCategory = 'ok' | 'access' | 'transient' | 'input' | 'unexpected';

export interface DiagnosisDetail {
  status?: number;
  code?: string;
  message?: string;
  requestId?: string;
  /** Rate limits: why, when Notion says (`additional_data.rate_limit_reason`). */
  reason?: string;
  /** Rate limits past the check's deadline: when Notion said it answers again (epoch ms). */
  retryAt?: number;
}

export interface Diagnosis {
  kind: DiagnosisKind;
  category: DiagnosisCategory;
  detail: DiagnosisDetail;
}

/** PRODUCT.md's table, first column: how serious each kind is. */
export const CATEGORY_OF: Record<DiagnosisKind, DiagnosisCategory> = {
  ok: 'ok',
  token_missing: 'access',
  token_leaked: 'access',
  token_invalid: 'access',
  not_shared: 'access',
  restricted: 'access',
  in_trash: 'access',
  rate_limited: 'transient',
  notion_unavailable: 'transient',
  timeout: 'transient',
  busy: 'transient',
  network: 'transient',
  edge_blocked: 'transient',
  bad_response: 'transient',
  invalid_input: 'input',
  unexpected: 'unexpected',
};

/** `diagnosisOf('not_shared', { requestId })` → `{ kind, category: 'access', detail }`. */
export function diagnosisOf(kind: DiagnosisKind, detail: DiagnosisDetail = {}): Diagnosis {
  return { kind, category: CATEGORY_OF[kind], detail };
}

export const isAccessProblem = (diagnosis: Diagnosis): boolean => diagnosis.category === 'access';
export const isTransient = (diagnosis: Diagnosis): boolean => diagnosis.category === 'transient';

/**
 * One line a non-engineer understands, per diagnosis: plain words, no formatting, said the
 * same in Slack (slack/blocks) and on the command line (cli/).
 */
export const DIAGNOSIS_TITLES: Record<DiagnosisKind, string> = {
  ok: 'Accessible',
  token_missing: 'No Notion token is configured for this connection',
  token_leaked: 'The token was posted in Slack: anyone who saw it can read your Notion data',
  token_invalid:
    'The integration token is invalid (revoked, regenerated or the integration deleted)',
  not_shared: 'Not shared with the integration (or deleted)',
  restricted: 'The integration lacks a capability (e.g. read content) for this',
  in_trash: "In Notion's trash (deleted)",
  rate_limited: 'Notion is rate limiting us — not an access problem, try again later',
  notion_unavailable: 'Notion is unavailable — not an access problem, try again later',
  timeout: 'Notion did not answer in time — not an access problem, try again later',
  busy: 'notion-check is busy with other checks — not a Notion problem, try again in a minute',
  network: 'Could not reach Notion (network problem) — not an access problem',
  edge_blocked:
    "Blocked at Notion's network edge (firewall, proxy or IP block) — not a permission problem",
  bad_response: 'Notion sent an unreadable answer (outage or proxy?) — not an access problem',
  invalid_input: 'Not a valid Notion page or database link or ID',
  unexpected: 'Notion rejected the request unexpectedly',
};
