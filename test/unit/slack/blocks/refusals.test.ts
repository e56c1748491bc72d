/** Why nothing happened, in words: every refusal a service returns has some, except duplicates. */
import { diagnosisOf } from '../../../../src/domain/diagnosis';
import type { Refusal, RefusalReason } from '../../../../src/domain/outcome';
import { refusalText } from '../../../../src/slack/blocks/refusals';
import { REPLIES } from '../../../../src/slack/blocks/replies';
import { OTHER_USER } from '../../../support/fixtures';

/** Every reason, with every variant it has. The type makes a new reason fail to compile here. */
const EXAMPLES: { [R in RefusalReason]: Extract<Refusal, { reason: R }>[] } = {
  duplicate: [{ reason: 'duplicate' }],
  not_found: [
    { reason: 'not_found', what: 'walkthrough' },
    { reason: 'not_found', what: 'alert' },
    { reason: 'not_found', what: 'leak' },
  ],
  wrong_place: [
    { reason: 'wrong_place', what: 'walkthrough' },
    { reason: 'wrong_place', what: 'alert' },
  ],
  stale_button: [{ reason: 'stale_button' }],
  already_resolved: [
    { reason: 'already_resolved', what: 'walkthrough' },
    { reason: 'already_resolved', what: 'alert' },
  ],
  already_escalated: [{ reason: 'already_escalated', by: OTHER_USER }],
  already_acknowledged: [{ reason: 'already_acknowledged', by: OTHER_USER }],
  already_snoozed: [{ reason: 'already_snoozed', by: OTHER_USER }],
  busy: [
    { reason: 'busy', what: 'test' },
    { reason: 'busy', what: 'alert_walkthrough' },
    { reason: 'busy', what: 'thread_walkthrough' },
  ],
  not_posted_yet: [{ reason: 'not_posted_yet' }],
  too_many_checks: [
    { reason: 'too_many_checks', scope: 'user', waiting: 3 },
    { reason: 'too_many_checks', scope: 'channel', waiting: 1 },
  ],
  inconclusive: (['test', 'fix', 'token'] as const).flatMap((during) =>
    (['rate_limited', 'notion_unavailable', 'timeout', 'network'] as const).map((kind) => ({
      reason: 'inconclusive' as const,
      diagnosis: diagnosisOf(kind),
      during,
    })),
  ),
  accessible_again: [{ reason: 'accessible_again' }],
  not_watched: [{ reason: 'not_watched' }],
  not_owner: [{ reason: 'not_owner', owner: OTHER_USER }],
  watch_limit: [
    { reason: 'watch_limit', scope: 'channel', watched: 195, adding: 10, limit: 200 },
    { reason: 'watch_limit', scope: 'user', watched: 95, adding: 10, limit: 100 },
    { reason: 'watch_limit', scope: 'workspace', watched: 1_995, adding: 10, limit: 2_000 },
  ],
  token_shape: [{ reason: 'token_shape' }],
  token_refused: [{ reason: 'token_refused' }],
  unknown_connection: [
    { reason: 'unknown_connection', name: 'sync', known: ['default', 'reports'] },
    { reason: 'unknown_connection', name: 'sync', known: [] },
  ],
  not_admin: [
    { reason: 'not_admin', action: 'disconnect' },
    { reason: 'not_admin', action: 'webhook' },
  ],
  env_connection: [{ reason: 'env_connection', name: 'default' }],
  not_watching_all: [{ reason: 'not_watching_all', connection: 'sync' }],
  listing_failed: [
    { reason: 'listing_failed', connection: 'sync', diagnosis: diagnosisOf('token_invalid') },
  ],
  webhooks_unavailable: [
    { reason: 'webhooks_unavailable', why: 'no_public_url' },
    { reason: 'webhooks_unavailable', why: 'socket_mode' },
  ],
};

const all: Refusal[] = Object.values(EXAMPLES).flat();

describe('refusalText', () => {
  it.each(all.filter((refusal) => refusal.reason !== 'duplicate'))(
    'has words for %j',
    (refusal) => {
      const text = refusalText(refusal);
      expect(typeof text).toBe('string');
      expect(text?.trim()).not.toBe('');
      expect(text).not.toContain('undefined');
    },
  );

  it('says nothing about a duplicate delivery', () => {
    expect(refusalText({ reason: 'duplicate' })).toBeUndefined();
  });

  it('gives different words to different variants of a reason', () => {
    for (const examples of Object.values(EXAMPLES)) {
      const texts = (examples as Refusal[]).map(refusalText);
      expect(new Set(texts).size).toBe(texts.length);
    }
  });

  it('a click from another channel or message gets the "not valid any more" answer', () => {
    expect(refusalText({ reason: 'wrong_place', what: 'walkthrough' })).toBe(
      REPLIES.buttonInvalid(true),
    );
    expect(refusalText({ reason: 'wrong_place', what: 'alert' })).toBe(
      REPLIES.buttonInvalid(false),
    );
    expect(REPLIES.buttonInvalid(false)).toBe('This button is not valid any more.');
  });

  it('says which watch cap and its numbers', () => {
    expect(
      refusalText({ reason: 'watch_limit', scope: 'user', watched: 95, adding: 10, limit: 100 }),
    ).toBe(
      'You have added 95 watches across all channels; with 10 more you would pass the limit of 100 per person. Remove some of yours with `/notion-check unwatch <link>` first.',
    );
    expect(
      refusalText({
        reason: 'watch_limit',
        scope: 'workspace',
        watched: 1_995,
        adding: 10,
        limit: 2_000,
      }),
    ).toBe(
      'This workspace has 1,995 watches in all; with 10 more it would pass the limit of 2,000 for the whole workspace. Remove some with `/notion-check unwatch <link>` first.',
    );
  });

  it('says the same sentences as before', () => {
    expect(refusalText({ reason: 'not_found', what: 'walkthrough' })).toBe(
      'I no longer know this walkthrough. Run `/notion-check` again to start a new one.',
    );
    expect(refusalText({ reason: 'stale_button' })).toBe(
      'That is not the current step any more: it was already done or skipped, or the steps changed after a test. Use the buttons on the latest checklist.',
    );
    expect(refusalText({ reason: 'already_resolved', what: 'walkthrough' })).toBe(
      'This walkthrough is already resolved.',
    );
    expect(refusalText({ reason: 'already_resolved', what: 'alert' })).toBe(
      'Access is already restored: this alert is closed.',
    );
    expect(refusalText({ reason: 'already_escalated', by: OTHER_USER })).toBe(
      `Already escalated by <@${OTHER_USER}>.`,
    );
    expect(refusalText({ reason: 'already_acknowledged', by: OTHER_USER })).toBe(
      `<@${OTHER_USER}> already acknowledged this alert.`,
    );
    expect(refusalText({ reason: 'busy', what: 'alert_walkthrough' })).toBe(
      'A fix walkthrough is already running in this alert’s thread.',
    );
    expect(refusalText({ reason: 'not_owner', owner: OTHER_USER })).toBe(
      `<@${OTHER_USER}> added this watch: only they or an admin can remove it.`,
    );
    expect(
      refusalText({
        reason: 'watch_limit',
        scope: 'channel',
        watched: 195,
        adding: 10,
        limit: 200,
      }),
    ).toBe(
      'This channel watches 195 pages; with 10 more it would pass the limit of 200. Remove some with `/notion-check unwatch <link>` first, or watch them from another channel.',
    );
    expect(
      refusalText({
        reason: 'inconclusive',
        diagnosis: diagnosisOf('rate_limited'),
        during: 'fix',
      }),
    ).toBe(
      'Could not check right now: Notion is rate limiting us — not an access problem, try again later.',
    );
    expect(
      refusalText({ reason: 'inconclusive', diagnosis: diagnosisOf('timeout'), during: 'token' }),
    ).toBe(
      'Could not verify the token with Notion: Notion did not answer in time — not an access problem, try again later. Nothing was saved; try again in a minute.',
    );
    expect(refusalText({ reason: 'token_refused' })).toBe(
      'Notion refused this token (401 unauthorized): it was revoked, regenerated again, or its integration deleted. Copy the current one from notion.so/my-integrations.',
    );
  });
});
