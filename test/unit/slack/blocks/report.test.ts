import type { KnownBlock } from '@slack/types';
import type { IntegrationInfo, ResourceCheck } from '../../src/notion/check';
import { type Diagnosis, type DiagnosisKind, diagnosis } from '../../src/notion/diagnose';
import { tokenFingerprint } from '../../src/security/tokens';
import type { CheckRun } from '../../src/services/checks';
import { buildFixStepsBlocks, fixStepsText } from '../../src/slack/blocks/fixSteps';
import { helpMessage, noticeMessage, usageMessage } from '../../src/slack/blocks/help';
import { buildReportBlocks, reportText } from '../../src/slack/blocks/report';
import { assertBlockKitLimits } from '../support/blockKitLimits';

// Built at run time: no literal in the repo looks like a real token.
const TOKEN = `ntn_${'3'.repeat(11)}${'x'.repeat(31)}abcd`;
const OTHER_TOKEN = `secret_${'R'.repeat(39)}wxyz`;
const USER = 'U0123ABCD';

const INTEGRATION: IntegrationInfo = {
  id: 'bot-1',
  name: 'Roadmap Sync',
  workspaceName: 'Acme Corp',
  ownerType: 'workspace',
};

function resource(index: number, result: Diagnosis = diagnosis('ok')): ResourceCheck {
  const id = index.toString(16).padStart(32, '0');
  return {
    input: `https://www.notion.so/acme/Page-${id}`,
    id,
    type: 'page',
    title: `Page number ${index}`,
    url: `https://www.notion.so/acme/Page-${id}`,
    inTrash: result.kind === 'in_trash',
    diagnosis: result,
  };
}

function checkRun(overrides: Partial<CheckRun> = {}): CheckRun {
  return {
    connection: 'default',
    fingerprint: tokenFingerprint(TOKEN),
    integration: INTEGRATION,
    token: { integration: INTEGRATION, diagnosis: diagnosis('ok') },
    resources: [],
    startedAt: 1_700_000_000_000,
    durationMs: 1234,
    ...overrides,
  };
}

/** A run whose token works and whose resources have the given diagnoses. */
function runWith(kinds: DiagnosisKind[], requestIds: (string | undefined)[] = []): CheckRun {
  return checkRun({
    resources: kinds.map((kind, index) =>
      resource(index + 1, diagnosis(kind, { requestId: requestIds[index] })),
    ),
  });
}

function failedTokenRun(kind: DiagnosisKind, requestId?: string): CheckRun {
  const result = diagnosis(kind, { status: 401, requestId });
  return checkRun({
    integration: undefined,
    token: { diagnosis: result },
    resources: [1, 2].map((index) => ({ ...resource(index), diagnosis: result })),
  });
}

function report(run: CheckRun) {
  const payload = { text: reportText(run), blocks: buildReportBlocks(run, { userId: USER }) };
  assertBlockKitLimits(payload);
  return payload;
}

function fixSteps(run: CheckRun) {
  const payload = { text: fixStepsText(run), blocks: buildFixStepsBlocks(run) };
  assertBlockKitLimits(payload);
  return payload;
}

/** Every mrkdwn/plain text in the blocks, in order. */
function texts(blocks: KnownBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'section' || block.type === 'header')
      return block.text ? [block.text.text] : [];
    if (block.type === 'context') {
      return block.elements.flatMap((element) => ('text' in element ? [element.text] : []));
    }
    return [];
  });
}

function sectionText(blocks: KnownBlock[]): string {
  return blocks
    .flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []))
    .join('\n');
}

function lastContext(blocks: KnownBlock[]): string {
  const last = blocks[blocks.length - 1];
  if (last?.type !== 'context') throw new Error('expected the message to end with a context');
  return texts([last]).join(' ');
}

/** Asserts the titles appear as numbered steps 1…n in this order. */
function expectNumberedSteps(text: string, titles: RegExp[]) {
  let position = -1;
  titles.forEach((title, index) => {
    const match = new RegExp(`^${index + 1}\\. \\*${title.source}\\.\\*`, 'm').exec(text);
    expect({ step: index + 1, title: title.source, found: match !== null }).toEqual({
      step: index + 1,
      title: title.source,
      found: true,
    });
    expect(match?.index ?? -1).toBeGreaterThan(position);
    position = match?.index ?? position;
  });
  expect(text).not.toMatch(new RegExp(`^${titles.length + 1}\\. `, 'm'));
}

const STEP_TITLES = {
  checkIntegration: /Check integration status/,
  verifySharing: /Verify page sharing settings/,
  regenerate: /Regenerate (?:the )?API token/,
  reAdd: /Re-add the integration to the page/,
  test: /Test (?:the )?API connection/,
  clearCache: /Clear application cache/,
  workspace: /Check workspace permissions/,
  restore: /Restore it from the trash/,
};

describe('report: everything accessible', () => {
  const run = runWith(['ok', 'ok', 'ok']);

  it('shows a check mark on the token line and on every resource line', () => {
    const lines = sectionText(report(run).blocks).split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line.startsWith(':white_check_mark: ')).toBe(true);
    expect(report(run).text).toMatch(/all good/);
  });

  it('names the integration and workspace and shows only the token fingerprint', () => {
    const payload = report(run);
    const text = sectionText(payload.blocks);
    expect(text).toContain('Token …abcd works');
    expect(text).toContain('*Roadmap Sync*');
    expect(text).toContain('*Acme Corp*');
    const json = JSON.stringify(payload);
    expect(json).not.toContain(TOKEN);
    expect(json).not.toContain(TOKEN.slice(0, -4));
  });

  it('links each resource by title and says who checked', () => {
    const payload = report(run);
    expect(sectionText(payload.blocks)).toContain(
      `<https://www.notion.so/acme/Page-${(2).toString(16).padStart(32, '0')}|Page number 2> (page)`,
    );
    expect(lastContext(payload.blocks)).toContain(`<@${USER}>`);
    expect(lastContext(payload.blocks)).not.toMatch(/How to fix/);
  });

  it('says so when only the token was checked', () => {
    expect(report(checkRun()).text).toBe('Notion check: all good (the token)');
  });
});

describe('report: the token is invalid (401)', () => {
  const run = failedTokenRun('token_invalid', 'req-401');

  it('says the token is invalid, with its fingerprint only', () => {
    const payload = report(run);
    const [tokenLine] = sectionText(payload.blocks).split('\n');
    expect(tokenLine).toMatch(/^:x: Token …abcd — .*token is invalid/);
    expect(payload.text).toMatch(/problem/);
    expect(lastContext(payload.blocks)).toMatch(/How to fix it: see the thread/);
    expect(JSON.stringify(payload)).not.toContain(TOKEN);
  });

  it('fix steps: check integration, regenerate, test, clear cache, workspace permissions', () => {
    const payload = fixSteps(run);
    const text = sectionText(payload.blocks);
    expect(text).toMatch(/token is invalid/);
    expectNumberedSteps(text, [
      STEP_TITLES.checkIntegration,
      STEP_TITLES.regenerate,
      STEP_TITLES.test,
      STEP_TITLES.clearCache,
      STEP_TITLES.workspace,
    ]);
    expect(text).toContain('…abcd');
    expect(JSON.stringify(payload)).not.toContain(TOKEN);
    expect(lastContext(payload.blocks)).toContain('`req-401`');
  });

  it('says how to set a token when none is configured', () => {
    const run = checkRun({
      fingerprint: undefined,
      integration: undefined,
      token: { diagnosis: diagnosis('token_missing') },
    });
    expect(sectionText(report(run).blocks)).toMatch(/No Notion token .*`\/notion-check token`/);
  });
});

describe('report and fix steps: not shared (404)', () => {
  const run = runWith(['ok', 'not_shared', 'not_shared'], [undefined, 'req-404-a', 'req-404-b']);

  it('marks the unshared resources and counts the problems', () => {
    const payload = report(run);
    const lines = sectionText(payload.blocks).split('\n');
    expect(lines.filter((line) => line.startsWith(':x: '))).toHaveLength(2);
    expect(
      lines.filter((line) => line.includes('Not shared with the integration (or deleted)')),
    ).toHaveLength(2);
    expect(payload.text).toBe('Notion check: 2 problems found (3 pages or databases)');
  });

  it('walks through sharing in the PRODUCT.md order, naming what is affected', () => {
    const text = sectionText(fixSteps(run).blocks);
    expect(text).toMatch(
      /^\*Not shared with the integration \(or deleted\)\* — .*Page number 2.*Page number 3/m,
    );
    expectNumberedSteps(text, [
      STEP_TITLES.verifySharing,
      STEP_TITLES.reAdd,
      STEP_TITLES.test,
      STEP_TITLES.workspace,
    ]);
    expect(text).not.toMatch(STEP_TITLES.regenerate);
  });

  it('gives the request IDs of the failing calls in the escalation note', () => {
    const note = lastContext(fixSteps(run).blocks);
    expect(note).toMatch(/Notion support/);
    expect(note).toContain('`req-404-a`');
    expect(note).toContain('`req-404-b`');
  });
});

describe('fix steps for the other diagnoses', () => {
  it('restricted: check integration, workspace permissions, test', () => {
    const text = sectionText(fixSteps(runWith(['restricted'])).blocks);
    expectNumberedSteps(text, [
      STEP_TITLES.checkIntegration,
      STEP_TITLES.workspace,
      STEP_TITLES.test,
    ]);
  });

  it('in trash: restore, test — and the report shows a wastebasket', () => {
    const run = runWith(['in_trash']);
    expectNumberedSteps(sectionText(fixSteps(run).blocks), [STEP_TITLES.restore, STEP_TITLES.test]);
    expect(sectionText(report(run).blocks)).toMatch(/^:wastebasket: .*Page number 1/m);
  });

  it('one group per diagnosis when several kinds fail', () => {
    const text = sectionText(fixSteps(runWith(['not_shared', 'restricted', 'not_shared'])).blocks);
    expect(text.match(/^\*Not shared/gm)).toHaveLength(1);
    expect(text.match(/^\*The integration lacks a capability/gm)).toHaveLength(1);
  });

  it('transient failures get no walkthrough and no advice to regenerate the token', () => {
    const run = failedTokenRun('rate_limited');
    const reportPayload = report(run);
    expect(lastContext(reportPayload.blocks)).toMatch(/not an access problem, try again later/);
    expect(lastContext(reportPayload.blocks)).not.toMatch(/How to fix/);
    const text = sectionText(fixSteps(run).blocks);
    expect(text).toBe('No access problem found.');
    expect(JSON.stringify(reportPayload)).not.toMatch(/regenerate/i);
  });
});

describe('report: 200 resources', () => {
  it('fits in one message, listing every problem and summarising the rest', () => {
    const kinds = Array.from(
      { length: 200 },
      (_, index): DiagnosisKind => (index % 10 === 3 ? 'not_shared' : 'ok'),
    );
    const run = runWith(kinds);
    const payload = report(run);
    expect(payload.blocks.length).toBeLessThanOrEqual(50);
    const text = sectionText(payload.blocks);
    for (const [index, kind] of kinds.entries()) {
      const title = new RegExp(`\\|Page number ${index + 1}>`);
      if (kind === 'ok') expect(text).not.toMatch(title);
      else expect(text).toMatch(title);
    }
    expect(text).toContain(':white_check_mark: 180 more accessible');
    expect(payload.text).toBe('Notion check: 20 problems found (200 pages or databases)');
  });

  it('caps the problem lines and says how many more failed', () => {
    const kinds = Array.from(
      { length: 200 },
      (_, index): DiagnosisKind => (index < 120 ? 'not_shared' : 'ok'),
    );
    const payload = report(runWith(kinds));
    const text = sectionText(payload.blocks);
    expect(text).toMatch(/and 80 more with problems/);
    expect(text).toContain('80 more accessible');
    expect(payload.blocks.length).toBeLessThanOrEqual(50);
  });

  it('stays within Block Kit limits with very long titles', () => {
    const run = runWith(Array.from({ length: 200 }, (): DiagnosisKind => 'not_shared'));
    for (const item of run.resources) item.title = `${item.title} ${'long words '.repeat(400)}`;
    const payload = report(run);
    for (const text of texts(payload.blocks)) expect(text.length).toBeLessThanOrEqual(3000);
    fixSteps(run);
  });

  it('keeps the fix steps within Block Kit limits', () => {
    const kinds = Array.from(
      { length: 200 },
      (_, index): DiagnosisKind =>
        (['not_shared', 'restricted', 'in_trash', 'ok'] as const)[index % 4] ?? 'ok',
    );
    const ids = kinds.map((_, index) => `req-${index}`);
    const payload = fixSteps(runWith(kinds, ids));
    expect(payload.blocks.length).toBeLessThanOrEqual(50);
  });
});

describe('text from Notion is escaped and redacted', () => {
  const hostileTitle = `Q3 <!channel> <draft> & plans ${OTHER_TOKEN}`;

  function hostileRun(): CheckRun {
    const run = runWith(['not_shared']);
    const [page] = run.resources;
    if (page) page.title = hostileTitle;
    return run;
  }

  it('in the report', () => {
    const payload = report(hostileRun());
    const json = JSON.stringify(payload);
    expect(json).not.toContain(OTHER_TOKEN);
    expect(json).not.toContain(OTHER_TOKEN.slice(0, 20));
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<draft>');
    expect(sectionText(payload.blocks)).toContain(
      'Q3 &lt;!channel&gt; &lt;draft&gt; &amp; plans [redacted]',
    );
  });

  it('in what the user typed', () => {
    const run = checkRun({
      resources: [
        {
          input: `<b>${OTHER_TOKEN}`,
          type: 'unknown',
          inTrash: false,
          diagnosis: diagnosis('invalid_input'),
        },
      ],
    });
    const payload = report(run);
    expect(JSON.stringify(payload)).not.toContain(OTHER_TOKEN);
    expect(sectionText(payload.blocks)).toMatch(
      /`&lt;b&gt;\[redacted\]` — Not a valid .* such as https:/,
    );
  });

  it('in the fix steps', () => {
    const run = hostileRun();
    const hostileIntegration = {
      ...INTEGRATION,
      name: 'Sync <&> bot',
      workspaceName: 'R&D <west>',
    };
    run.integration = hostileIntegration;
    run.token = { integration: hostileIntegration, diagnosis: diagnosis('ok') };
    const json = JSON.stringify(fixSteps(run));
    expect(json).not.toContain(OTHER_TOKEN);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<draft>');
    expect(json).not.toContain('Sync <&> bot');
    expect(json).not.toContain('R&D <west>');
  });
});

describe('help and usage messages', () => {
  it('help is ephemeral, has a text fallback and lists every subcommand', () => {
    const message = helpMessage();
    assertBlockKitLimits(message);
    expect(message.response_type).toBe('ephemeral');
    expect(message.text.trim()).not.toBe('');
    const text = texts(message.blocks).join('\n');
    for (const word of ['watch', 'unwatch', 'list', 'token', 'help', '20'])
      expect(text).toContain(word);
  });

  it('usage repeats the problem, escaped, and is ephemeral', () => {
    const message = usageMessage("I don't know the command `<foo>`.");
    assertBlockKitLimits(message);
    expect(message.response_type).toBe('ephemeral');
    expect(message.text).toContain("I don't know the command");
    expect(message.text).toMatch(/help/);
    expect(texts(message.blocks).join('\n')).toContain('`&lt;foo&gt;`');
  });

  it('notices are ephemeral with their text as fallback', () => {
    const message = noticeMessage('Done.');
    assertBlockKitLimits(message);
    expect(message).toMatchObject({ response_type: 'ephemeral', text: 'Done.' });
  });
});
