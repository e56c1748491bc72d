import type { WebClient } from '@slack/web-api';

/** `users.info` through the listener's client, for the admin check. */
export function lookupUser(client: WebClient) {
  return async (userId: string) => (await client.users.info({ user: userId })).user;
}
