/**
 * Property tests over hostile input: the parser, the button value schemas, the error
 * diagnosis, the Notion response readers and the report builder must hold for any input,
 * not only for the examples the other unit tests pick.
 */
import {
  APIErrorCode,
  APIResponseError,
  type Client,
  ClientErrorCode,
  RequestTimeoutError,
  UnknownHTTPResponseError,
} from '@notionhq/client';
import fc from 'fast-check';
import { type CheckRun, MAX_TARGETS, type ResourceCheck } from '../../src/domain/check';
import { CATEGORY_OF, type DiagnosisKind, diagnosisOf } from '../../src/domain/diagnosis';
import { STEP_IDS, STEPS_FOR } from '../../src/domain/playbook';
import { type Command, parseCommand } from '../../src/listeners/commands/parse';
import { checkResource, checkToken } from '../../src/notion/check';
import { RateLimitedPastDeadlineError } from '../../src/notion/client';
import { diagnoseError } from '../../src/notion/diagnose';
import { DeadlineExceededError } from '../../src/notion/pacing';
import { SECRET_PATTERN, tokenFingerprint } from '../../src/security/tokens';
import { buttonValue } from '../../src/slack/blocks/actions';
import { DIAGNOSIS_TITLES } from '../../src/slack/blocks/copy';
import { usageProblemText } from '../../src/slack/blocks/help';
import { escapeMrkdwn } from '../../src/slack/blocks/mrkdwn';
import { buildReport, type ReportOptions } from '../../src/slack/blocks/report';
import { assertBlockKitLimits } from '../support/blockKitLimits';

const RUNS = { numRuns: 300 };

// ---- generators ----------------------------------------------------------------------------

const chars = (set: string) => fc.constantFrom(...set.split(''));
const HEX = chars('0123456789abcdef');
const DIGIT = chars('0123456789');
const ALNUM = chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
const ALNUM_DASH = chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-');
const fixed = (unit: fc.Arbitrary<string>, length: number) =>
  fc.string({ unit, minLength: length, maxLength: length });

const hexId = fixed(HEX, 32);
const notionId = fc.oneof(
  hexId,
  fc.uuid(),
  hexId.map((id) => id.toUpperCase()),
);

/** Tokens are generated at run time: no token-shaped literal sits in the repository. */
const notionToken = fc.oneof(
  fc.tuple(fixed(DIGIT, 11), fixed(ALNUM, 35)).map(([d, a]) => `ntn_${d}${a}`),
  fixed(ALNUM, 43).map((a) => `secret_${a}`),
  // truncated or mistyped tokens are secrets too
  fc.string({ unit: ALNUM, minLength: 8, maxLength: 50 }).map((a) => `ntn_${a}`),
);
const slackToken = fc
  .tuple(
    fc.constantFrom('xoxb', 'xoxp', 'xoxa', 'xoxe', 'xapp'),
    fc.string({ unit: ALNUM_DASH, minLength: 6, maxLength: 60 }),
  )
  .map(([prefix, rest]) => `${prefix}-${rest}`);
const secret = fc.oneof(notionToken, slackToken);

const slug = fc.string({ unit: ALNUM_DASH, maxLength: 30 });
const notionUrl = fc
  .tuple(
    fc.constantFrom(
      'https://www.notion.so/',
      'https://notion.so/acme/',
      'https://acme.notion.site/',
    ),
    slug,
    notionId,
    fc.constantFrom('', '?v=0123456789abcdef0123456789abcdef', '#heading', '?pvs=4'),
  )
  .map(([base, name, id, suffix]) => `${base}${name ? `${name}-` : ''}${id}${suffix}`);
/** Slack sends links as `<url>` or `<url|label>`. */
const slackEscaped = fc
  .tuple(notionUrl, fc.option(fc.string(), { nil: undefined }))
  .map(([url, label]) => (label === undefined ? `<${url}>` : `<${url}|${label}>`));
const subcommand = fc.constantFrom(
  'help',
  'HELP',
  'watch',
  'unwatch',
  'list',
  'token',
  'Token',
  'frobnicate',
);

const garbage = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('<', '>', '|', '<|>', '<<>>', '\u0000', '\u200b', '\ud800', '🙂', '&amp;'),
);
const word = fc.oneof(
  { arbitrary: notionId, weight: 4 },
  { arbitrary: notionUrl, weight: 3 },
  { arbitrary: slackEscaped, weight: 2 },
  { arbitrary: subcommand, weight: 2 },
  { arbitrary: secret, weight: 1 },
  { arbitrary: garbage, weight: 3 },
);
const separator = fc.constantFrom(' ', '  ', '\n', '\t', '\u00a0', ' \r\n ');
const commandText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc
    .array(fc.tuple(word, separator), { maxLength: 30 })
    .map((parts) => parts.map(([w, s]) => w + s).join('')),
);

const KIND_NAMES = Object.keys(CATEGORY_OF) as DiagnosisKind[];
const COMMAND_KINDS = new Set(['check', 'watch', 'unwatch', 'list', 'token', 'help', 'usage']);

function secretsIn(text: string): string[] {
  return text.match(new RegExp(SECRET_PATTERN.source, 'g')) ?? [];
}

/** What a usage answer says, and the data it was made from: neither may repeat a token. */
function usageWords(command: Command): string {
  return command.kind === 'usage' ? `${usageProblemText(command)} ${JSON.stringify(command)}` : '';
}

function targetsOf(command: Command): string[] {
  if (command.kind === 'check' || command.kind === 'watch') return command.targets;
  if (command.kind === 'unwatch') return [command.target];
  return [];
}

// ---- parseCommand --------------------------------------------------------------------------

describe('parseCommand on hostile text', () => {
  // Protects the command handler: whatever Slack sends, the parser answers with a known kind
  // and never throws (a throw would surface as "something went wrong" instead of usage).
  it('never throws and always returns a known kind', () => {
    fc.assert(
      fc.property(commandText, (text) => {
        const command = parseCommand(text);
        expect(COMMAND_KINDS.has(command.kind)).toBe(true);
        if (command.kind === 'usage') expect(usageProblemText(command).length).toBeGreaterThan(0);
        for (const target of targetsOf(command)) {
          expect(target).not.toBe('');
          expect(target).not.toMatch(/\s/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  // Protects the 20-target limit (PRODUCT.md: "at most 20"): more targets never reach Notion.
  it('never returns more than MAX_TARGETS targets', () => {
    fc.assert(
      fc.property(commandText, (text) => {
        const command = parseCommand(text);
        if (command.kind === 'check' || command.kind === 'watch') {
          expect(command.targets.length).toBeLessThanOrEqual(MAX_TARGETS);
          expect(new Set(command.targets).size).toBe(command.targets.length);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses 21 to 40 distinct IDs, with or without `watch`', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(hexId, { minLength: MAX_TARGETS + 1, maxLength: 40 }),
        fc.boolean(),
        (ids, watch) => {
          const command = parseCommand(`${watch ? 'watch ' : ''}${ids.join(' ')}`);
          expect(command.kind).toBe('usage');
        },
      ),
      { numRuns: 100 },
    );
  });

  // Protects the token guard: a pasted token never becomes a target (it would be stored, sent
  // to Notion and echoed), and no usage problem ever repeats a token-shaped string.
  it('answers any text holding a token with a usage problem that does not repeat it', () => {
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 8 }),
        secret,
        fc.array(word, { maxLength: 8 }),
        fc.constantFrom('', 'watch ', 'unwatch ', 'token ', '<', '<https://www.notion.so/x|'),
        (before, token, after, prefix) => {
          const text = `${prefix}${[...before, `${prefix}${token}`, ...after].join(' ')}`;
          const command = parseCommand(text);
          expect(command.kind).toBe('usage');
          expect(secretsIn(usageWords(command))).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  it('never repeats a token-shaped string in any usage problem', () => {
    fc.assert(
      fc.property(commandText, (text) => {
        expect(secretsIn(usageWords(parseCommand(text)))).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});

// ---- button values -------------------------------------------------------------------------

describe('button value schemas', () => {
  const WALKTHROUGH = /^w[0-9a-f]{16}$/;
  const STEP = new RegExp(`^w[0-9a-f]{16}:(?:${STEP_IDS.join('|')})$`);

  const walkthroughId = fixed(HEX, 16).map((hex) => `w${hex}`);
  const stepValue = fc
    .tuple(walkthroughId, fc.constantFrom(...STEP_IDS))
    .map(([id, step]) => `${id}:${step}`);
  /** Valid values with one edit: near misses are where a loose schema lets things through. */
  const nearMiss = (valid: fc.Arbitrary<string>) =>
    fc
      .tuple(valid, fc.nat(), fc.oneof(garbage, fc.constantFrom(':', 'W', 'g', 'A', '\n', ' ')))
      .chain(([value, at, insert]) => {
        const i = at % (value.length + 1);
        return fc.constantFrom(
          value.slice(0, i) + insert + value.slice(i),
          value.slice(0, i) + insert + value.slice(i + 1),
          value.slice(0, i) + value.slice(i + 1),
          `${value}${insert}`,
          `${insert}${value}`,
          value.toUpperCase(),
          `${value}:${value}`,
        );
      });
  const anyValue = (valid: fc.Arbitrary<string>) =>
    fc.oneof(valid, nearMiss(valid), garbage, fc.constantFrom('', ':', 'w', '__proto__'));

  // Protects every button handler: values are opaque ids only, anything else is refused
  // before it reaches a service or the database.
  it('walkthrough: accepts exactly w + 16 lowercase hex digits, never throws', () => {
    fc.assert(
      fc.property(anyValue(walkthroughId), (value) => {
        const parsed = buttonValue.walkthrough.safeParse(value);
        expect(parsed.success).toBe(WALKTHROUGH.test(value));
        if (parsed.success) expect(parsed.data).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it('step: accepts exactly w<16 hex>:<known step id>, never throws', () => {
    fc.assert(
      fc.property(anyValue(stepValue), (value) => {
        const parsed = buttonValue.step.safeParse(value);
        expect(parsed.success).toBe(STEP.test(value));
        if (parsed.success) expect(`${parsed.data.id}:${parsed.data.step}`).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses values that are not strings at all', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((v) => typeof v !== 'string'),
        (value) => {
          expect(buttonValue.walkthrough.safeParse(value).success).toBe(false);
          expect(buttonValue.step.safeParse(value).success).toBe(false);
        },
      ),
      RUNS,
    );
  });
});

// ---- diagnoseError -------------------------------------------------------------------------

const API_CODES = Object.values(APIErrorCode) as string[];
const headersArb = fc.oneof(
  fc.constant(undefined),
  fc.anything(),
  fc
    .dictionary(
      fc.constantFrom('x-notion-request-id', 'cf-ray', 'retry-after', 'content-type', 'X-Other'),
      fc.string(),
    )
    .map((entries) => new Headers(entries)),
  fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.anything())),
);
const status = fc.oneof(
  fc.constantFrom(400, 401, 403, 404, 409, 429, 500, 502, 503, 504, 529),
  fc.integer({ min: 100, max: 599 }),
);
/** Errors the SDK, fetch and our own client really throw, with arbitrary contents. */
const realError: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .record({
      code: fc.constantFrom(...API_CODES),
      status,
      message: fc.oneof(fc.string(), fc.constant('Provided ID x is a database, not a page.')),
      headers: headersArb,
      request_id: fc.option(fc.oneof(fc.uuid(), fc.anything()), { nil: undefined }),
      rawBodyText: fc.string(),
    })
    .map(
      (args) =>
        new APIResponseError({
          ...args,
          code: args.code as APIErrorCode,
          headers: args.headers as Headers,
          request_id: args.request_id as string | undefined,
          additional_data: undefined,
        }),
    ),
  fc.record({ status, headers: headersArb, rawBodyText: fc.string() }).map(
    ({ status: s, headers, rawBodyText }) =>
      new UnknownHTTPResponseError({
        status: s,
        headers: headers as Headers,
        rawBodyText,
        message: undefined,
      }),
  ),
  fc.constant(new RequestTimeoutError()),
  fc.constant(new DeadlineExceededError()),
  fc
    .tuple(fc.nat(), fc.option(fc.string(), { nil: undefined }))
    .map(([ms, id]) => new RateLimitedPastDeadlineError(ms, id)),
  fc
    .record(
      {
        name: fc.oneof(
          fc.constantFrom('TimeoutError', 'AbortError', 'SyntaxError', 'TypeError', 'Error'),
          fc.anything(),
        ),
        message: fc.oneof(fc.constantFrom('fetch failed', 'other side closed'), fc.anything()),
        code: fc.oneof(
          fc.constantFrom(
            'ECONNRESET',
            'ECONNREFUSED',
            'ENOTFOUND',
            ClientErrorCode.RequestTimeout,
          ),
          fc.anything(),
        ),
        cause: fc.oneof(
          fc.anything(),
          fc.record({
            code: fc.constantFrom('ECONNRESET', 'UND_ERR_SOCKET'),
            message: fc.string(),
          }),
        ),
      },
      { requiredKeys: [] },
    )
    .map((fields) => Object.assign(new Error('x'), fields)),
);
const anyThrown = fc.oneof(
  fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true }),
  realError,
);

describe('diagnoseError on anything thrown', () => {
  // Protects every report: a check never crashes on an unexpected error shape, and the kind
  // is a known one (so the report has a title and the right steps).
  it('never throws and returns a diagnosis consistent with its kind', () => {
    fc.assert(
      fc.property(anyThrown, (error) => {
        const result = diagnoseError(error);
        expect(KIND_NAMES).toContain(result.kind);
        expect(result.category).toBe(CATEGORY_OF[result.kind]);
        expect(result).toEqual(diagnosisOf(result.kind, result.detail));
        expect(DIAGNOSIS_TITLES[result.kind]).toEqual(expect.any(String));
        expect(DIAGNOSIS_TITLES[result.kind].length).toBeGreaterThan(0);
        expect(Array.isArray(STEPS_FOR[result.kind])).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  // Protects PRODUCT.md: a Notion outage or rate limit never advises a new token.
  it('never calls a 5xx or 429 answer an access problem', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 500, max: 599 }).chain((s) => fc.constantFrom(s, 429)),
        headersArb,
        fc.string(),
        (s, headers, rawBodyText) => {
          const error = new UnknownHTTPResponseError({
            status: s,
            headers: headers as Headers,
            rawBodyText,
            message: undefined,
          });
          const result = diagnoseError(error);
          expect(result.category).toBe('transient');
          expect(STEPS_FOR[result.kind]).not.toContain('regenerate_token');
        },
      ),
      RUNS,
    );
  });
});

// ---- checkToken / checkResource on arbitrary Notion answers ---------------------------------

type Answer = { resolve: unknown } | { reject: unknown };

const richTextArb = fc.oneof(
  fc.anything(),
  fc.array(fc.record({ plain_text: fc.oneof(fc.string(), fc.anything()) }, { requiredKeys: [] })),
);
/** Shapes close to real Notion objects, so the readers get past their first checks too. */
const objectLike = fc.record(
  {
    object: fc.oneof(
      { arbitrary: fc.constantFrom('page', 'database', 'data_source', 'user'), weight: 4 },
      { arbitrary: fc.oneof(fc.constantFrom('error', 'list'), fc.anything()), weight: 1 },
    ),
    id: fc.oneof(fc.uuid(), fc.string(), fc.anything()),
    url: fc.oneof(notionUrl, fc.anything()),
    in_trash: fc.oneof(fc.boolean(), fc.constantFrom(0, 1, 'true', null), fc.anything()),
    archived: fc.oneof(fc.boolean(), fc.constantFrom(0, 1, 'true', null), fc.anything()),
    title: richTextArb,
    properties: fc.oneof(
      fc.anything(),
      fc.dictionary(
        fc.string(),
        fc.record(
          { type: fc.oneof(fc.constant('title'), fc.string()), title: richTextArb },
          { requiredKeys: [] },
        ),
      ),
    ),
    type: fc.oneof(fc.constantFrom('bot', 'person'), fc.anything()),
    name: fc.oneof(fc.string(), fc.anything()),
    bot: fc.anything(),
  },
  { requiredKeys: [] },
);
const answer: fc.Arbitrary<Answer> = fc.oneof(
  fc.oneof(objectLike, fc.anything(), fc.object()).map((value) => ({ resolve: value })),
  anyThrown.map((value) => ({ reject: value })),
);

function fakeClient(answers: { me: Answer; page: Answer; database: Answer; dataSource: Answer }) {
  const call = (a: Answer) => () =>
    'resolve' in a ? Promise.resolve(a.resolve) : Promise.reject(a.reject);
  return {
    users: { me: call(answers.me) },
    pages: { retrieve: call(answers.page) },
    databases: { retrieve: call(answers.database) },
    dataSources: { retrieve: call(answers.dataSource) },
  } as unknown as Client;
}

const answers = fc.record({ me: answer, page: answer, database: answer, dataSource: answer });
const OK_ISH = new Set<DiagnosisKind>(['ok', 'in_trash', 'bad_response']);

describe('Notion response readers on arbitrary JSON', () => {
  // Protects checkToken's schema: whatever users.me resolves to, no throw, and only a real
  // bot user counts as a working token.
  it('checkToken never throws; a resolved answer is ok (with an integration) or bad_response', async () => {
    await fc.assert(
      fc.asyncProperty(answers, async (a) => {
        const result = await checkToken(fakeClient(a));
        expect(KIND_NAMES).toContain(result.diagnosis.kind);
        if ('resolve' in a.me) {
          expect(['ok', 'bad_response']).toContain(result.diagnosis.kind);
          if (result.diagnosis.kind === 'ok') {
            const me = a.me.resolve as { object?: unknown; type?: unknown };
            expect([me.object, me.type]).toEqual(['user', 'bot']);
            expect(typeof result.integration?.name).toBe('string');
            expect(typeof result.integration?.id).toBe('string');
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  // Protects checkResource's schemas: a malformed page/database never throws or passes as
  // readable with garbage fields; it is an unreadable answer instead.
  it('checkResource never throws; resolved answers give ok, in_trash or bad_response', async () => {
    await fc.assert(
      fc.asyncProperty(answers, fc.oneof(notionId, notionUrl, garbage), async (a, input) => {
        const result: ResourceCheck = await checkResource(fakeClient(a), input);
        expect(KIND_NAMES).toContain(result.diagnosis.kind);
        expect(result.input).toBe(input);
        if (result.diagnosis.kind === 'invalid_input' && result.id === undefined) return;
        if ('resolve' in a.page) expect(OK_ISH.has(result.diagnosis.kind)).toBe(true);
        if (result.diagnosis.kind === 'ok' || result.diagnosis.kind === 'in_trash') {
          expect(typeof result.id).toBe('string');
          expect(typeof result.title).toBe('string');
          expect(result.url === undefined || typeof result.url === 'string').toBe(true);
          expect(result.inTrash).toBe(result.diagnosis.kind === 'in_trash');
        }
      }),
      { numRuns: 500 },
    );
  });
});

/** The answers that send checkResource on to /databases or /data_sources. */
const redirectingError = fc.oneof(
  fc.constant(
    new APIResponseError({
      code: APIErrorCode.ValidationError,
      status: 400,
      message: 'Provided ID 1a2b3c4d-5e6f-4a5b-8c9d-0e1f2a3b4c5d is a database, not a page.',
      headers: new Headers(),
      rawBodyText: '',
      additional_data: undefined,
      request_id: undefined,
    }),
  ),
  fc.constant(
    new APIResponseError({
      code: APIErrorCode.ObjectNotFound,
      status: 404,
      message: 'Could not find page with ID: 1a2b3c4d-5e6f-4a5b-8c9d-0e1f2a3b4c5d.',
      headers: new Headers(),
      rawBodyText: '',
      additional_data: undefined,
      request_id: undefined,
    }),
  ),
);

describe('checkResource after a redirecting answer from /pages', () => {
  // Protects the database and data source schemas: whatever the second endpoint resolves
  // to, the result is readable or an unreadable answer, never a crash turned "unexpected".
  it('a resolved /databases or /data_sources answer gives ok, in_trash or bad_response', async () => {
    const resolved = fc.oneof(objectLike, fc.anything(), fc.object());
    await fc.assert(
      fc.asyncProperty(redirectingError, resolved, notionId, async (error, value, input) => {
        const client = fakeClient({
          me: { resolve: {} },
          page: { reject: error },
          database: { resolve: value },
          dataSource: { resolve: value },
        });
        const result = await checkResource(client, input);
        expect(OK_ISH.has(result.diagnosis.kind)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

// ---- buildReportBlocks ---------------------------------------------------------------------

/** Text people or Notion control: long, escaped, unicode, and sometimes hiding a token. */
const hostileText = fc.oneof(
  { arbitrary: fc.string(), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 2 },
  { arbitrary: fc.string({ minLength: 2900, maxLength: 4200 }), weight: 1 },
  { arbitrary: fc.string({ unit: chars('<>&|*_~`'), maxLength: 1500 }), weight: 1 },
  {
    arbitrary: fc.tuple(fc.string(), secret, fc.string()).map((parts) => parts.join('')),
    weight: 2,
  },
);
/** What users type; parseCommand refuses tokens, but stored watches and retests bypass it. */
const plainInput = fc.oneof(notionId, notionUrl, hostileText);
/** A link whose path holds a token (a slug copied from a page named after one, or a paste). */
const linkWithToken = fc
  .tuple(secret, hexId)
  .map(([token, id]) => `https://www.notion.so/${token}-${id}`);
/** Notion's `url`: its slug comes from the page title, so it can spell anything a title can. */
const notionUrlWithToken = fc
  .tuple(secret, hexId)
  .map(([token, id]) => `https://www.notion.so/acme/${token}-${id}`);
const diagnosisArb = fc
  .record({
    kind: fc.constantFrom(...KIND_NAMES),
    message: fc.option(hostileText, { nil: undefined }),
    requestId: fc.option(fc.uuid(), { nil: undefined }),
  })
  .map(({ kind, message, requestId }) => diagnosisOf(kind, { message, requestId }));
const resourceArb = (input: fc.Arbitrary<string>, url: fc.Arbitrary<string>) =>
  fc
    .record({
      input,
      id: fc.option(fc.oneof(hexId, fc.uuid()), { nil: undefined }),
      type: fc.constantFrom('page', 'database', 'data_source', 'unknown' as const),
      title: fc.option(hostileText, { nil: undefined }),
      url: fc.option(url, { nil: undefined }),
      diagnosis: diagnosisArb,
    })
    .map((r): ResourceCheck => ({ ...r, inTrash: r.diagnosis.kind === 'in_trash' }));
const runArb = (
  resource: fc.Arbitrary<ResourceCheck> = resourceArb(plainInput, notionUrl),
): fc.Arbitrary<CheckRun> =>
  fc
    .record({
      connection: hostileText,
      token: notionToken,
      tokenDiagnosis: diagnosisArb,
      integration: fc.option(
        fc.record({
          id: fc.uuid(),
          name: hostileText,
          workspaceName: fc.option(hostileText, { nil: undefined }),
          ownerType: fc.constantFrom('workspace', 'user', 'unknown' as const),
        }),
        { nil: undefined },
      ),
      resources: fc.array(resource, { maxLength: 70 }),
      durationMs: fc.nat({ max: 10_000_000 }),
    })
    .map((r) => ({
      connection: r.connection,
      fingerprint: tokenFingerprint(r.token),
      integration: r.integration,
      token: { integration: r.integration, diagnosis: r.tokenDiagnosis },
      resources: r.resources,
      startedAt: 1_700_000_000_000,
      durationMs: r.durationMs,
    }));
const userId = fc.constantFrom('U0USER', 'U0123ABCD', 'W0ENTERPRISE');
const reportOptions: fc.Arbitrary<ReportOptions> = fc.record({
  userId,
  // Written by the walkthrough code, never by users: long, but not token-bearing.
  resolution: fc.option(
    fc.record({
      by: fc.oneof(userId, fc.string({ maxLength: 4000 })),
      tookMs: fc.nat({ max: 10 * 365 * 86_400_000 }),
    }),
    { nil: undefined },
  ),
});

function report(run: CheckRun, options: ReportOptions) {
  return buildReport(run, options);
}

describe('buildReportBlocks on arbitrary check runs', () => {
  // Protects the report post: Slack refuses a message over its limits (invalid_blocks),
  // which would cost the user their report.
  it('always respects Block Kit limits', () => {
    const anyResource = resourceArb(
      fc.oneof(plainInput, linkWithToken),
      fc.oneof(notionUrl, notionUrlWithToken),
    );
    fc.assert(
      fc.property(runArb(anyResource), reportOptions, (run, options) => {
        assertBlockKitLimits(report(run, options));
      }),
      { numRuns: 200 },
    );
  });

  // The tests below protect the non-negotiable "tokens are never written to Slack messages"
  // (escapeMrkdwn's redaction): whatever a field holds, the report carries no token shape.
  it('never contains a token-shaped string from titles, names, messages or plain inputs', () => {
    fc.assert(
      fc.property(runArb(), reportOptions, (run, options) => {
        expect(secretsIn(JSON.stringify(report(run, options)))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never echoes a token-shaped string from a link the user gave', () => {
    fc.assert(
      fc.property(runArb(resourceArb(linkWithToken, notionUrl)), reportOptions, (run, options) => {
        expect(secretsIn(JSON.stringify(report(run, options)))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("never echoes a token-shaped string from a page's Notion url", () => {
    fc.assert(
      fc.property(
        runArb(resourceArb(plainInput, notionUrlWithToken)),
        reportOptions,
        (run, options) => {
          expect(secretsIn(JSON.stringify(report(run, options)))).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---- escapeMrkdwn --------------------------------------------------------------------------

/** Strings rich in what Slack would read as markup, line breaks and invisible characters. */
const MARKUP_CHARS = chars(
  "*_~`:>&<|! ab1Z\n\r\v\f\u0085\u2028\u2029\u202a\u202e\u2066\u2069\u200e\u200f\u061c\u200b\u200d\u2060\ufeff＊＿｀＞-+'",
);
const markupText = fc.oneof(
  fc.string({ unit: MARKUP_CHARS, maxLength: 80 }),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc
    .array(
      fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(':x:', '*b*', '_i_', '~s~', '`c`')),
    )
    .map((parts) => parts.join('')),
);

/** A span Slack would format: a marker at a word boundary, text, the same marker at one. */
const span = (marker: string) =>
  new RegExp(
    `(?:^|[^A-Za-z0-9])\\${marker}[^\\s${marker}](?:[^${marker}]*[^\\s${marker}])?\\${marker}(?![A-Za-z0-9])`,
  );
const SPANS = ['*', '_', '~', '`'].map(span);
const EMOJI_CODE = /:[\p{L}\p{N}\p{M}_＿+＋'’.-]+:/u;

describe('escapeMrkdwn on arbitrary strings', () => {
  // Protects the one rendering edge every Notion- or user-supplied string goes through: no
  // forged line, link, mention, formatting, emoji or reordering, whatever a title holds.
  it('leaves no line break, bidi or zero-width character, raw <, > or &, span or emoji code', () => {
    fc.assert(
      fc.property(markupText, (text) => {
        const out = escapeMrkdwn(text);
        expect(out).not.toMatch(/[\n\r\v\f\u0085\u2028\u2029]/);
        expect(out).not.toMatch(/[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/);
        expect(out).not.toMatch(/[<>]/);
        expect(out).not.toMatch(/&(?!amp;|lt;|gt;)/);
        for (const pattern of SPANS) expect(out).not.toMatch(pattern);
        expect(out).not.toMatch(EMOJI_CODE);
        // Stronger than "no span": a marker left is inside a word, where Slack never formats.
        expect(out).not.toMatch(/(?<![A-Za-z0-9])[*_~]|[*_~](?![A-Za-z0-9])|[`＊＿｀]/);
        // Nothing that starts a quote where the text starts.
        expect(out).not.toMatch(/^\s*(?:&gt;|>|＞)/);
      }),
      { numRuns: 2_000 },
    );
  });
});
