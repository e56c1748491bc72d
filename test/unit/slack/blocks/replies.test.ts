/** What the listeners answer directly (src/slack/blocks/replies.ts). */
import { AdminPolicy } from '../../../../src/services/admins';
import { notAdmin } from '../../../../src/slack/blocks/replies';

const ADMIN = 'U0ADMIN01';

describe('notAdmin: who may change tokens, for the person who may not', () => {
  it('with ADMIN_USER_IDS, names each listed person by mention', () => {
    const text = notAdmin([ADMIN, 'U0ADMIN02']);
    expect(text).toContain(`<@${ADMIN}>`);
    expect(text).toContain('<@U0ADMIN02>');
    expect(text).toMatch(/ADMIN_USER_IDS/);
    expect(text).not.toMatch(/admins and owners/);
  });

  it('without, says workspace admins and owners', () => {
    const text = notAdmin(undefined);
    expect(text).toMatch(/admins and owners/);
    expect(text).not.toContain('<@');
  });

  it('says what to ask them for', () => {
    for (const text of [notAdmin([ADMIN]), notAdmin(undefined)]) {
      expect(text).toMatch(/^:lock: Only .+ can change Notion tokens\./);
      expect(text).toContain('`/notion-check token`');
      expect(text).toContain('*Update token*');
    }
  });

  it('names exactly the people the policy admits', () => {
    expect(notAdmin(new AdminPolicy([ADMIN]).adminUserIds)).toContain(`<@${ADMIN}>`);
    expect(notAdmin(new AdminPolicy(undefined).adminUserIds)).toMatch(/admins and owners/);
  });
});
