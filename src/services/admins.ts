import { z } from 'zod';

const slackUser = z
  .object({
    is_admin: z.boolean().optional(),
    is_owner: z.boolean().optional(),
    is_primary_owner: z.boolean().optional(),
    deleted: z.boolean().optional(),
  })
  .loose();

/** `users.info` for one user, as the listener's client answers it. */
export type UserLookup = (userId: string) => Promise<unknown>;

const CACHE_MS = 5 * 60_000;

/**
 * Who may change tokens: ADMIN_USER_IDS when set, otherwise workspace admins and owners per
 * users.info (cached briefly: the token modal must open within Slack's 3-second trigger).
 */
export class AdminPolicy {
  private readonly cache = new Map<string, { admin: boolean; at: number }>();

  constructor(
    /** Set: exactly these people. Unset: workspace admins and owners. */
    readonly adminUserIds: string[] | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async isAdmin(userId: string, lookup: UserLookup): Promise<boolean> {
    if (this.adminUserIds) return this.adminUserIds.includes(userId);
    const cached = this.cache.get(userId);
    if (cached && this.now() - cached.at < CACHE_MS) return cached.admin;
    let answer: unknown;
    try {
      answer = await lookup(userId);
    } catch {
      return false; // unknown user or Slack unreachable: not an admin, and not cached
    }
    const parsed = slackUser.safeParse(answer);
    const user = parsed.success ? parsed.data : {};
    const admin = !user.deleted && Boolean(user.is_admin || user.is_owner || user.is_primary_owner);
    this.cache.set(userId, { admin, at: this.now() });
    return admin;
  }
}
