/**
 * The words of connections (src/slack/blocks/connections.ts): `/notion-check connections` (name,
 * integration, workspace, fingerprint — never a token — status now, watch counts), `use`, and
 * `disconnect`'s private confirmation with its Remove button and what follows it. Names from
 * Notion escaped; 60 connections within Block Kit limits.
 */
import type { ConnectionOverview, DisconnectSummary } from '../../../../src/domain/connection';
import { diagnosisOf } from '../../../../src/domain/diagnosis';
import { ACTIONS } from '../../../../src/slack/blocks/actions';
import {
  connectionLabel,
  connectionsMessage,
  connectionUsedMessage,
  disconnectConfirmation,
  disconnectedMessage,
} from '../../../../src/slack/blocks/connections';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { buttons, findButton, visibleText, visibleTexts } from '../../../support/blocks';
import { fakeToken, USER } from '../../../support/fixtures';

const TOKEN = fakeToken('tok9');
const HOSTILE = `<!channel> *Acme* <@U0EVIL> <https://evil.example|Sync> ${TOKEN} _x_ :fire:`;

function line(overrides: Partial<ConnectionOverview> = {}): ConnectionOverview {
  return {
    name: 'reports',
    source: 'slack',
    fingerprint: '…rep1',
    integrationName: 'Reporting Job',
    workspaceName: 'Acme Corp',
    diagnosis: diagnosisOf('ok'),
    compromised: false,
    watches: { here: 2, total: 5 },
    watchingAllHere: false,
    usedHere: false,
    webhook: 'none',
    ...overrides,
  };
}

function summary(overrides: Partial<DisconnectSummary> = {}): DisconnectSummary {
  return {
    name: 'reports',
    integrationName: 'Reporting Job',
    fingerprint: '…rep1',
    watches: 3,
    channels: 2,
    inventory: 1284,
    openAlerts: 2,
    ...overrides,
  };
}

function render(items: ConnectionOverview[]) {
  const message = connectionsMessage(items);
  assertBlockKitLimits(message);
  return { ...message, shown: visibleText(message.blocks), lines: visibleTexts(message.blocks) };
}

/** The section that is about one connection. */
function lineOf(lines: string[], name: string): string {
  const found = lines.find((text) => text.includes(`\`${name}\``) && text.includes('in all'));
  if (!found) throw new Error(`no line for ${name} in ${JSON.stringify(lines)}`);
  return found;
}

describe('`connections`', () => {
  test('each connection: name, integration, workspace, fingerprint, status, watch counts', () => {
    const { response_type, shown, lines, text } = render([
      line({
        name: 'default',
        source: 'env',
        fingerprint: '…def1',
        integrationName: 'Zapier Sync',
        watches: { here: 0, total: 1 },
        usedHere: true,
      }),
      line(),
    ]);
    expect(response_type).toBe('ephemeral');
    expect(text).toBe('2 Notion connections, all working');
    expect(shown).toContain('*Notion connections* (2)');

    const reports = lineOf(lines, 'reports');
    expect(reports).toContain('`reports` (*Reporting Job*)');
    expect(reports).toContain('workspace *Acme Corp*');
    expect(reports).toContain('token …rep1');
    expect(reports).toContain('works');
    expect(reports).toContain(':white_check_mark:');
    expect(reports).toContain('2 watches in this channel, 5 in all');
    expect(reports).not.toContain('this channel’s connection');

    const byDefault = lineOf(lines, 'default');
    expect(byDefault).toContain('`default` (*Zapier Sync*)');
    expect(byDefault).toContain('from NOTION_TOKEN');
    expect(byDefault).toContain('0 watches in this channel, 1 in all');
    expect(byDefault).toContain('this channel’s connection');
    // How to change it, in the words of the commands.
    expect(shown).toContain('/notion-check use <name>');
    expect(shown).toContain('-c <name>');
    expect(shown).toContain('/notion-check token <name>');
  });

  test('one watch is said in the singular', () => {
    const { lines } = render([line({ watches: { here: 1, total: 1 } })]);
    expect(lineOf(lines, 'reports')).toContain('1 watch in this channel, 1 in all');
  });

  test('an invalid token says it is invalid, with ❌; the summary counts it', () => {
    const { lines, text } = render([
      line({ name: 'default' }),
      line({ diagnosis: diagnosisOf('token_invalid', { status: 401 }) }),
    ]);
    const reports = lineOf(lines, 'reports');
    expect(reports).toContain('token is invalid');
    expect(reports).toContain(':x:');
    expect(reports).not.toContain('— works');
    // The integration users.me named before is still shown.
    expect(reports).toContain('*Reporting Job*');
    expect(text).toBe('2 Notion connections, 1 with a problem');
  });

  test('no token yet: says so and how an admin sets one for that name', () => {
    const { lines } = render([
      line({
        name: 'sync',
        source: undefined,
        fingerprint: undefined,
        integrationName: undefined,
        workspaceName: undefined,
        diagnosis: diagnosisOf('token_missing'),
        watches: { here: 0, total: 0 },
      }),
    ]);
    const sync = lineOf(lines, 'sync');
    expect(sync).toContain('no token');
    expect(sync).toContain('`/notion-check token sync`');
    expect(sync).not.toContain('— works');
    expect(sync).not.toContain('workspace');
  });

  test('a compromised token says compromised and to regenerate it, with 🚨', () => {
    const { lines, text } = render([line({ compromised: true })]);
    const reports = lineOf(lines, 'reports');
    expect(reports).toContain(':rotating_light:');
    expect(reports).toContain('*compromised*');
    expect(reports).toMatch(/regenerate it/);
    expect(text).toContain('1 with a problem');
  });

  test('a transient answer is not an access problem', () => {
    const { lines } = render([line({ diagnosis: diagnosisOf('notion_unavailable') })]);
    const reports = lineOf(lines, 'reports');
    expect(reports).toContain('Notion is unavailable');
    expect(reports).toContain(':warning:');
  });

  test('watch all and webhooks are said on the line', () => {
    const { lines } = render([
      line({ watchingAllHere: true, webhook: 'verified' }),
      line({ name: 'sync', webhook: 'pending' }),
    ]);
    expect(lineOf(lines, 'reports')).toContain('this channel watches everything it can see');
    expect(lineOf(lines, 'reports')).toContain('Notion webhooks on');
    expect(lineOf(lines, 'sync')).toContain('not yet confirmed');
  });

  test('a fingerprint only, never a token; hostile integration and workspace names are inert', () => {
    const message = render([line({ integrationName: HOSTILE, workspaceName: HOSTILE })]);
    const json = JSON.stringify(message);
    expect(json).not.toContain(TOKEN);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U0EVIL>');
    expect(json).not.toContain('<https://evil.example');
    expect(json).not.toContain(':fire:');
    expect(message.shown).toContain('&lt;!channel&gt;');
    // Their formatting can't break out of ours.
    expect(message.shown).not.toContain('*Acme*');
  });

  test('a huge integration name still fits', () => {
    render([line({ integrationName: '&'.repeat(50_000), workspaceName: '<'.repeat(50_000) })]);
  });

  test('60 connections: within Block Kit limits, and the reader learns how many were not shown', () => {
    const many = Array.from({ length: 60 }, (_, index) =>
      line({
        name: `conn-${String(index).padStart(2, '0')}`,
        integrationName: `Integration ${'x'.repeat(200)} ${index}`,
        workspaceName: `Workspace ${'y'.repeat(200)}`,
        diagnosis: index % 3 === 0 ? diagnosisOf('token_invalid') : diagnosisOf('ok'),
        webhook: 'verified',
        watchingAllHere: true,
      }),
    );
    const { shown, text, blocks } = render(many);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(text).toBe('60 Notion connections, 20 with a problem');
    expect(shown).toContain('(60)');
    expect(shown).toContain('`conn-00`');
    // Those that don't fit are counted, never silently dropped.
    const listed = many.filter((item) => shown.includes(`\`${item.name}\``)).length;
    expect(listed).toBeGreaterThanOrEqual(40);
    expect(listed).toBeLessThan(60);
    expect(shown).toContain(`…and ${60 - listed} more`);
  });
});

describe('`use`', () => {
  test('posted in the channel: who chose which connection and integration, what it changes', () => {
    const message = connectionUsedMessage('reports', 'Reporting Job', USER);
    assertBlockKitLimits(message);
    const shown = visibleText(message.blocks);
    expect(message.response_type).toBe('in_channel');
    expect(shown).toContain(`<@${USER}>`);
    expect(shown).toContain('`reports` (*Reporting Job*)');
    expect(shown).toContain('`/notion-check`');
    expect(shown).toContain('`watch`');
    expect(shown).toContain('-c <name>');
    expect(message.text).toContain('reports');
  });

  test('an integration never checked: the name alone', () => {
    const shown = visibleText(connectionUsedMessage('reports', undefined, USER).blocks);
    expect(shown).toContain('`reports`');
    expect(shown).not.toContain('(*');
  });

  test('a hostile integration name is inert', () => {
    const json = JSON.stringify(connectionUsedMessage('reports', HOSTILE, USER));
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain(TOKEN);
  });
});

describe('`disconnect`: the confirmation', () => {
  test('private; names connection, integration, fingerprint and what goes', () => {
    const message = disconnectConfirmation(summary());
    assertBlockKitLimits(message);
    const shown = visibleText(message.blocks);
    expect(message.response_type).toBe('ephemeral');
    expect(shown).toContain('`reports` (*Reporting Job*)');
    expect(shown).toContain('…rep1');
    expect(shown).toContain('3 watches in 2 channels');
    expect(shown).toContain('1,284 items');
    expect(shown).toContain('2 open alerts will close');
    expect(shown).toContain('can’t be undone');
  });

  test('the Remove button: its label contains Remove, its value is the name', () => {
    const message = disconnectConfirmation(summary());
    const remove = findButton(message.blocks, 'Remove');
    expect(remove.value).toBe('reports');
    expect(remove.action_id).toBe(ACTIONS.connectionRemove);
    expect(remove.style).toBe('danger');
    expect(buttons(message.blocks)).toHaveLength(1);
  });

  test('the longest name still fits the button', () => {
    const name = `a${'b'.repeat(31)}`;
    const message = disconnectConfirmation(summary({ name }));
    assertBlockKitLimits(message);
    expect(findButton(message.blocks, 'Remove').value).toBe(name);
  });

  test('singulars; no open alerts → nothing said about alerts', () => {
    const shown = visibleText(
      disconnectConfirmation(summary({ watches: 1, channels: 1, inventory: 1, openAlerts: 0 }))
        .blocks,
    );
    expect(shown).toContain('1 watch in 1 channel');
    expect(shown).toContain('1 item');
    expect(shown).not.toContain('alert');
  });

  test('a hostile integration name is inert, and never a token', () => {
    const json = JSON.stringify(disconnectConfirmation(summary({ integrationName: HOSTILE })));
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U0EVIL>');
    expect(json).not.toContain(TOKEN);
  });
});

describe('`disconnect`: done', () => {
  test('who removed what; channels fall back to default', () => {
    const message = disconnectedMessage(summary(), USER);
    assertBlockKitLimits(message);
    const shown = visibleText(message.blocks);
    expect(shown).toContain(`<@${USER}> removed the connection`);
    expect(shown).toContain('`reports` (*Reporting Job*)');
    expect(shown).toContain('2 open alerts closed');
    expect(shown).toContain('`default`');
    expect(buttons(message.blocks)).toHaveLength(0);
    expect(message.text).toBe('Removed the connection reports');
  });
});

describe('connectionLabel', () => {
  test('`name` (*Integration*), or the name alone', () => {
    expect(connectionLabel('sync', 'Acme Sync')).toBe('`sync` (*Acme Sync*)');
    expect(connectionLabel('sync')).toBe('`sync`');
  });

  test.each(['sync_', 'a-_b', 'n8n_flow', 'x--y'])(
    'a valid name %s reads (and copies) exactly as typed',
    (name) => {
      expect(connectionLabel(name)).toBe(`\`${name}\``);
      const missing = line({ name, diagnosis: diagnosisOf('token_missing') });
      expect(visibleText(connectionsMessage([missing]).blocks)).toContain(
        `\`/notion-check token ${name}\``,
      );
    },
  );
});
