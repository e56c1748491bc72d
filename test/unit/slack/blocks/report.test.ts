import type { CheckRun } from '../../../../src/domain/check';
import { type DiagnosisKind, diagnosisOf } from '../../../../src/domain/diagnosis';
import { buildFixSteps } from '../../../../src/slack/blocks/fixSteps';
import { buildReport } from '../../../../src/slack/blocks/report';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { lastContext, sectionText, visibleTexts } from '../../../support/blocks';
import {
  checkRun,
  failedTokenRunWith,
  fakeToken,
  pageUrl,
  runWith,
  titledRunWith,
  USER,
} from '../../../support/fixtures';

const TOKEN = fakeToken();
// Built at run time: no literal in the repo looks like a real token.
const OTHER_TOKEN = `secret_${'R'.repeat(39)}wxyz`;

/** The report as posted, checked against Slack's limits. */
function report(run: CheckRun) {
  const payload = buildReport(run, { userId: USER });
  assertBlockKitLimits(payload);
  return payload;
}

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
    expect(sectionText(payload.blocks)).toContain(`<${pageUrl(2)}|Page 2> (page)`);
    expect(lastContext(payload.blocks)).toContain(`<@${USER}>`);
    expect(lastContext(payload.blocks)).not.toMatch(/How to fix/);
  });

  it('says so when only the token was checked', () => {
    expect(report(checkRun()).text).toBe('Notion check: all good (the token)');
  });
});

describe('report: the token is invalid (401)', () => {
  const run = failedTokenRunWith('token_invalid', 2, 'req-401');

  it('says the token is invalid, with its fingerprint only', () => {
    const payload = report(run);
    const [tokenLine] = sectionText(payload.blocks).split('\n');
    expect(tokenLine).toMatch(/^:x: Token …abcd — .*token is invalid/);
    expect(payload.text).toMatch(/problem/);
    expect(lastContext(payload.blocks)).toMatch(/How to fix it: see the thread/);
    expect(JSON.stringify(payload)).not.toContain(TOKEN);
  });

  it('says how to set a token when none is configured', () => {
    const run = checkRun({
      fingerprint: undefined,
      integration: undefined,
      token: { diagnosis: diagnosisOf('token_missing') },
    });
    expect(sectionText(report(run).blocks)).toMatch(/No Notion token .*`\/notion-check token`/);
  });
});

describe('report: not shared (404)', () => {
  it('marks the unshared resources and counts the problems', () => {
    const payload = report(runWith(['ok', 'not_shared', 'not_shared']));
    const lines = sectionText(payload.blocks).split('\n');
    expect(lines.filter((line) => line.startsWith(':x: '))).toHaveLength(2);
    expect(
      lines.filter((line) => line.includes('Not shared with the integration (or deleted)')),
    ).toHaveLength(2);
    expect(payload.text).toBe('Notion check: 2 problems found (3 pages or databases)');
  });
});

describe('report: 200 resources', () => {
  it('fits in one message, listing every problem and summarising the rest', () => {
    const kinds = Array.from(
      { length: 200 },
      (_, index): DiagnosisKind => (index % 10 === 3 ? 'not_shared' : 'ok'),
    );
    const payload = report(titledRunWith(kinds));
    expect(payload.blocks.length).toBeLessThanOrEqual(50);
    const text = sectionText(payload.blocks);
    for (const [index, kind] of kinds.entries()) {
      const title = new RegExp(`\\|Page ${index + 1}>`);
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
    const run = titledRunWith(Array.from({ length: 200 }, (): DiagnosisKind => 'not_shared'));
    for (const item of run.resources) item.title = `${item.title} ${'long words '.repeat(400)}`;
    const payload = report(run);
    for (const text of visibleTexts(payload.blocks)) expect(text.length).toBeLessThanOrEqual(3000);
    assertBlockKitLimits(buildFixSteps(run));
  });
});

describe('text from Notion is escaped and redacted', () => {
  const hostileTitle = `Q3 <!channel> <draft> & plans ${OTHER_TOKEN}`;

  it('in the report', () => {
    const run = titledRunWith(['not_shared']);
    const [page] = run.resources;
    if (page) page.title = hostileTitle;
    const payload = report(run);
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
          diagnosis: diagnosisOf('invalid_input'),
        },
      ],
    });
    const payload = report(run);
    expect(JSON.stringify(payload)).not.toContain(OTHER_TOKEN);
    expect(sectionText(payload.blocks)).toMatch(
      /`&lt;b&gt;\[redacted\]` — Not a valid .* such as https:/,
    );
  });
});
