/**
 * Words used in more than one message. Everything a person reads is written under slack/;
 * this file holds what several builders share, so each sentence exists once.
 */
import type { DiagnosisKind } from '../../domain/diagnosis';

/** One line a non-engineer understands, per diagnosis. */
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
  edge_blocked: "Blocked at Notion's network edge (firewall, proxy or IP block) — not a permission",
  bad_response: 'Notion sent an unreadable answer (outage or proxy?) — not an access problem',
  invalid_input: 'Not a valid Notion page or database link or ID',
  unexpected: 'Notion rejected the request unexpectedly',
};

export const EXAMPLE_URL = 'https://www.notion.so/acme/Roadmap-0123456789abcdef0123456789abcdef';

export const COPY = {
  buttonInvalid: 'This button is not valid any more.',
  runAgain: 'Run `/notion-check` again.',
  somethingWrong: ':warning: Something went wrong on our side; nothing was lost. Please try again.',
  invite: 'invite me there with `/invite @notion-check`',
  transientNote:
    'Notion is unavailable or rate limiting us — not an access problem, try again later.',
  neverPasteTokens:
    'Never paste a token in a channel or DM: anyone who sees it can read every page shared with the integration.',
} as const;
