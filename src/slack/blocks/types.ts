import type { KnownBlock } from '@slack/types';

/** A message as Slack takes it: the plain-text fallback and the blocks. */
export interface Message {
  text: string;
  blocks: KnownBlock[];
}
