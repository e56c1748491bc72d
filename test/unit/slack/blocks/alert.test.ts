/**
 * The monitor's alert (open, acknowledged, snoozed, resolved, closed because unwatched). Every
 * payload stays within Block Kit's limits, shows only escaped, token-free text from Notion,
 * and carries opaque button values. The `list` and `watch` answers are in watches.test.ts.
 */
import type { Alert } from '../../../../src/domain/alert';
import type { Watch } from '../../../../src/domain/watch';
import { tokenFingerprint } from '../../../../src/security/tokens';
import { ACTIONS } from '../../../../src/slack/blocks/actions';
import { alertText, buildAlertBlocks } from '../../../../src/slack/blocks/alert';
import { DIAGNOSIS_TITLES } from '../../../../src/slack/blocks/copy';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { buttons, visibleText } from '../../../support/blocks';
import { alert, fakeToken, HOUR, MINUTE, OTHER_USER, T0, watch } from '../../../support/fixtures';

// Built at run time: no literal in the repo looks like a real token.
const TOKEN = fakeToken();
const SLACK_TOKEN = ['xoxb', '1234567890', 'abcdefghijKLMN'].join('-');

const NOW = T0 + 2 * HOUR + 14 * MINUTE;
const OTHER = OTHER_USER;

/** Builds the message as the notifier sends it, and checks it against Slack's limits. */
function render(a: Alert, watches: Watch[], now = NOW) {
  const message = { text: alertText(a), blocks: buildAlertBlocks(a, watches, now) };
  assertBlockKitLimits(message);
  return message;
}

const ok = (index: number, overrides: Partial<Watch> = {}) =>
  watch(index, { status: { state: 'ok', since: T0 + HOUR }, ...overrides });

describe('open alert', () => {
  const watches = [watch(1), watch(2), watch(3)];

  it('offers Start fix, Acknowledge and Snooze, each carrying only the alert id', () => {
    const a = alert(watches);
    const { blocks } = render(a, watches);
    const found = buttons(blocks);
    const labels = found.map((b) => b.text.text);
    expect(labels).toHaveLength(3);
    expect(labels.some((label) => label.includes('Start'))).toBe(true);
    expect(labels.some((label) => label.includes('Acknowledge'))).toBe(true);
    expect(labels.some((label) => label.includes('Snooze'))).toBe(true);
    for (const b of found) expect(b.value).toBe(a.id);
    expect(found.map((b) => b.action_id).sort()).toEqual(
      [ACTIONS.alertStartFix, ACTIONS.alertAcknowledge, ACTIONS.alertSnooze].sort(),
    );
  });

  it('says access is lost, why, which pages, and since when', () => {
    const a = alert(watches);
    const { text, blocks } = render(a, watches);
    const shown = visibleText(blocks);
    expect(text).toContain('access lost');
    expect(shown).toContain('Notion access lost');
    expect(shown).toContain('3 watched pages');
    expect(shown).toContain(DIAGNOSIS_TITLES.not_shared);
    for (const w of watches) {
      expect(shown).toContain(`<${w.url}|${w.title}>`);
    }
    expect(shown).toContain(`Failing since <!date^${T0 / 1000}^`);
    expect(shown).toContain('2 h 14 min');
  });

  it('shows the Notion request ids for support', () => {
    const { blocks } = render(alert(watches), watches);
    const shown = visibleText(blocks);
    expect(shown).toContain('req-aaa-111');
    expect(shown).toContain('req-bbb-222');
  });

  it('marks pages already working again, while others still fail', () => {
    const current = [ok(1), watch(2), watch(3)];
    const shown = visibleText(render(alert(watches), current).blocks);
    expect(shown).toContain(`:white_check_mark: <${current[0]?.url}|Roadmap page 1>`);
    expect(shown).toContain(`:x: <${current[1]?.url}|Roadmap page 2>`);
  });

  it('after acknowledgement: no Acknowledge button, and who is on it', () => {
    const a = alert(watches, { acknowledgedBy: OTHER, acknowledgedAt: T0 + HOUR });
    const { blocks } = render(a, watches);
    const labels = buttons(blocks).map((b) => b.text.text);
    expect(labels.some((label) => label.includes('Acknowledge'))).toBe(false);
    expect(labels.some((label) => label.includes('Start'))).toBe(true);
    expect(labels.some((label) => label.includes('Snooze'))).toBe(true);
    expect(visibleText(blocks)).toContain(`<@${OTHER}> is on it`);
  });

  it('while snoozed: no Snooze button, and until when, as a Slack date', () => {
    const until = NOW + 20 * HOUR;
    const a = alert(watches, { snoozedBy: OTHER, snoozedUntil: until });
    const { blocks } = render(a, watches);
    const labels = buttons(blocks).map((b) => b.text.text);
    expect(labels.some((label) => label.includes('Snooze'))).toBe(false);
    expect(labels.some((label) => label.includes('Acknowledge'))).toBe(true);
    const shown = visibleText(blocks);
    expect(shown).toContain(`until <!date^${Math.floor(until / 1000)}^`);
    expect(shown).toContain(`<@${OTHER}>`);
  });

  it('once the snooze has run out, Snooze is offered again and "until" is gone', () => {
    const a = alert(watches, { snoozedBy: OTHER, snoozedUntil: NOW - 1 });
    const { blocks } = render(a, watches);
    expect(buttons(blocks).some((b) => b.text.text.includes('Snooze'))).toBe(true);
    expect(visibleText(blocks)).not.toContain('until');
  });

  it('acknowledged and snoozed: only Start fix is left', () => {
    const a = alert(watches, {
      acknowledgedBy: OTHER,
      acknowledgedAt: T0 + HOUR,
      snoozedBy: OTHER,
      snoozedUntil: NOW + HOUR,
    });
    const labels = buttons(render(a, watches).blocks).map((b) => b.text.text);
    expect(labels).toHaveLength(1);
    expect(labels[0]).toContain('Start');
  });
});

describe('resolved alert', () => {
  const watches = [ok(1), ok(2)];

  it('has no buttons, says access is restored and after how long', () => {
    const a = alert(watches, { status: 'resolved', resolvedAt: T0 + 3 * HOUR + 5 * MINUTE });
    const { text, blocks } = render(a, watches);
    expect(buttons(blocks)).toEqual([]);
    expect(blocks.some((block) => block.type === 'actions')).toBe(false);
    const shown = visibleText(blocks);
    expect(shown).toContain('restored');
    expect(shown).toContain('3 h 5 min');
    expect(shown).not.toContain(':x:');
    expect(text).toContain('restored');
  });

  it('closed because its pages were unwatched: says "no longer watched", never "restored"', () => {
    const a = alert(watches, {
      status: 'resolved',
      resolvedAt: T0 + HOUR,
      details: { ...alert(watches).details, closedBecause: 'unwatched' },
    });
    const { text, blocks } = render(a, []);
    expect(buttons(blocks)).toEqual([]);
    const shown = visibleText(blocks);
    expect(shown).toContain('no longer watched');
    expect(shown).not.toMatch(/restored/i);
    // The fallback text (notifications, screen readers, chat.update text) must not claim it either.
    expect(text).not.toMatch(/restored/i);
  });
});

describe('connection-scope alert', () => {
  it('names the connection, the token fingerprint and how many pages are affected', () => {
    const watches = [watch(1), watch(2), watch(3), watch(4)];
    const a = alert(watches, {
      scope: 'connection',
      connection: 'marketing',
      kind: 'token_invalid',
      details: { ...alert(watches).details, fingerprint: tokenFingerprint(TOKEN) },
    });
    const { blocks } = render(a, watches);
    const shown = visibleText(blocks);
    expect(shown).toContain('`marketing`');
    expect(shown).toContain(tokenFingerprint(TOKEN));
    expect(shown).toContain('4 watched pages affected');
    expect(shown).toContain(DIAGNOSIS_TITLES.token_invalid);
    expect(JSON.stringify(blocks)).not.toContain(TOKEN);
  });

  it('one page affected is singular', () => {
    const watches = [watch(1)];
    const a = alert(watches, { scope: 'connection', kind: 'token_invalid' });
    expect(visibleText(render(a, watches).blocks)).toContain('1 watched page affected');
  });
});

describe('an alert with 200 pages', () => {
  const watches = Array.from({ length: 200 }, (_, i) => watch(i + 1));

  it('stays within 50 blocks and says how many more pages are not listed', () => {
    for (const a of [
      alert(watches),
      alert(watches, { acknowledgedBy: OTHER, acknowledgedAt: NOW, snoozedBy: OTHER }),
      alert(watches, { status: 'resolved', resolvedAt: NOW }),
      alert(watches, { scope: 'connection', kind: 'token_invalid' }),
    ]) {
      const { blocks } = render(a, watches);
      expect(blocks.length).toBeLessThanOrEqual(50);
      const shown = visibleText(blocks);
      const listed = watches.filter((w) => shown.includes(`|${w.title}>`)).length;
      expect(listed).toBeGreaterThan(0);
      expect(shown).toContain(`…and ${200 - listed} more`);
    }
  });

  it('shows the page count in full', () => {
    expect(visibleText(render(alert(watches), watches).blocks)).toContain('200 watched pages');
  });
});

describe('text from Notion is escaped and token-free', () => {
  const hostile = `<!channel> R&D ${TOKEN} <https://evil.example|click> ${SLACK_TOKEN}`;
  const watches = [watch(1, { title: hostile }), watch(2, { title: undefined })];

  // The alert's title is its diagnosis (our words); what Notion controls is each page's title.
  it.each([
    ['open', {}],
    ['resolved', { status: 'resolved' as const, resolvedAt: NOW }],
    ['connection scope', { scope: 'connection' as const, connection: `ops<!here>&${TOKEN}` }],
  ])('%s alert: no mention, no raw markup, no token', (_name, overrides) => {
    const { blocks } = render(alert(watches, overrides), watches);
    const json = JSON.stringify(blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('<https://evil.example');
    expect(json).not.toContain(TOKEN);
    expect(json).not.toContain(SLACK_TOKEN);
    expect(json).not.toMatch(/ntn_\d{6}/);
    expect(json).not.toMatch(/R&D/);
    const shown = visibleText(blocks);
    expect(shown).toContain('&lt;!channel&gt; R&amp;D');
    expect(shown).toContain('[redacted]');
  });

  it('closed-because-unwatched alert: the old title is escaped too', () => {
    const a = alert(watches, { status: 'resolved', resolvedAt: NOW });
    const closed = { ...a, details: { ...a.details, closedBecause: 'unwatched' as const } };
    const json = JSON.stringify(render(closed, []).blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain(TOKEN);
  });
});
