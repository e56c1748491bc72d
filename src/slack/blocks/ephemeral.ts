import type { KnownBlock } from '@slack/types';
import { capText, section } from './mrkdwn';

/** An answer only the person who typed the command or pressed the button sees. */
export interface EphemeralMessage {
  response_type: 'ephemeral';
  text: string;
  blocks: KnownBlock[];
}

/** One sentence, privately: "Already on it", a refusal, a hint. */
export function ephemeral(text: string): EphemeralMessage {
  return capText({ response_type: 'ephemeral', text, blocks: [section(text)] });
}
