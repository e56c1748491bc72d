/**
 * Words used in more than one message. Everything a person reads is written under slack/;
 * this file holds what several builders share, so each sentence exists once.
 */

export { DIAGNOSIS_TITLES } from '../../domain/diagnosis';

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
