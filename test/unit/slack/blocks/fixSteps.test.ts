import type { CheckRun } from '../../../../src/domain/check';
import { type DiagnosisKind, diagnosisOf } from '../../../../src/domain/diagnosis';
import { buildFixSteps } from '../../../../src/slack/blocks/fixSteps';
import { buildReport } from '../../../../src/slack/blocks/report';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { lastContext, sectionText } from '../../../support/blocks';
import {
  failedTokenRunWith,
  fakeToken,
  INTEGRATION,
  runWith,
  titledRunWith,
  USER,
} from '../../../support/fixtures';

const TOKEN = fakeToken();
// Built at run time: no literal in the repo looks like a real token.
const OTHER_TOKEN = `secret_${'R'.repeat(39)}wxyz`;

/** The fix steps as posted, checked against Slack's limits. */
function fixSteps(run: CheckRun) {
  const payload = buildFixSteps(run);
  assertBlockKitLimits(payload);
  return payload;
}

function report(run: CheckRun) {
  const payload = buildReport(run, { userId: USER });
  assertBlockKitLimits(payload);
  return payload;
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

describe('fix steps: the token is invalid (401)', () => {
  it('check integration, regenerate, test, clear cache, workspace permissions', () => {
    const payload = fixSteps(failedTokenRunWith('token_invalid', 2, 'req-401'));
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
});

describe('fix steps: not shared (404)', () => {
  // Pages 2 and 3 fail with request ids req-2 and req-3.
  const run = titledRunWith(['ok', 'not_shared', 'not_shared']);

  it('walks through sharing in the PRODUCT.md order, naming what is affected', () => {
    const text = sectionText(fixSteps(run).blocks);
    expect(text).toMatch(/^\*Not shared with the integration \(or deleted\)\* — .*Page 2.*Page 3/m);
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
    expect(note).toContain('`req-2`');
    expect(note).toContain('`req-3`');
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
    expect(sectionText(report(run).blocks)).toMatch(/^:wastebasket: .*Page 1/m);
  });

  it('one group per diagnosis when several kinds fail', () => {
    const text = sectionText(fixSteps(runWith(['not_shared', 'restricted', 'not_shared'])).blocks);
    expect(text.match(/^\*Not shared/gm)).toHaveLength(1);
    expect(text.match(/^\*The integration lacks a capability/gm)).toHaveLength(1);
  });

  it('transient failures get no walkthrough and no advice to regenerate the token', () => {
    const run = failedTokenRunWith('rate_limited', 2);
    const reportPayload = report(run);
    expect(lastContext(reportPayload.blocks)).toMatch(/not an access problem, try again later/);
    expect(lastContext(reportPayload.blocks)).not.toMatch(/How to fix/);
    const text = sectionText(fixSteps(run).blocks);
    expect(text).toBe('No access problem found.');
    expect(JSON.stringify(reportPayload)).not.toMatch(/regenerate/i);
  });
});

describe('fix steps for 200 resources', () => {
  it('keeps the fix steps within Block Kit limits', () => {
    const kinds = Array.from(
      { length: 200 },
      (_, index): DiagnosisKind =>
        (['not_shared', 'restricted', 'in_trash', 'ok'] as const)[index % 4] ?? 'ok',
    );
    // Every failing page has its own request id (req-1, req-2…).
    const payload = fixSteps(titledRunWith(kinds));
    expect(payload.blocks.length).toBeLessThanOrEqual(50);
  });
});

describe('text from Notion is escaped and redacted', () => {
  it('in the fix steps', () => {
    const run = titledRunWith(['not_shared']);
    const [page] = run.resources;
    if (page) page.title = `Q3 <!channel> <draft> & plans ${OTHER_TOKEN}`;
    const hostileIntegration = {
      ...INTEGRATION,
      name: 'Sync <&> bot',
      workspaceName: 'R&D <west>',
    };
    run.integration = hostileIntegration;
    run.token = { integration: hostileIntegration, diagnosis: diagnosisOf('ok') };
    const json = JSON.stringify(fixSteps(run));
    expect(json).not.toContain(OTHER_TOKEN);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<draft>');
    expect(json).not.toContain('Sync <&> bot');
    expect(json).not.toContain('R&D <west>');
  });
});
