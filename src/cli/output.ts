/**
 * A check run as the command line shows it: the exit code, one JSON document (`--json`, its
 * shape is `cliReportSchema`), or text for a terminal: one line per id, then the fix steps.
 */
import { z } from 'zod';
import {
  accessProblems,
  type CheckRun,
  type ResourceCheck,
  type ResourceRef,
  refOf,
} from '../domain/check';
import {
  CATEGORY_OF,
  type Diagnosis,
  type DiagnosisCategory,
  type DiagnosisKind,
  isAccessProblem,
} from '../domain/diagnosis';
import { connectionContext } from '../domain/problems';
import { answerDetail, clean, escalation, fixSteps, PROBLEM_WORDS, problemText } from './words';

export const EXIT = { ok: 0, accessProblem: 1, noVerdict: 2, usage: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * 1 when the token or any page has an access problem, even if other checks got no verdict;
 * else 2 when any check got no verdict (Notion unavailable, rate limiting, timeout, network,
 * an unexpected answer); else 0. (3, bad usage, is decided before any request.)
 */
export function exitCodeOf(run: CheckRun): ExitCode {
  const all = [run.token.diagnosis, ...run.resources.map((resource) => resource.diagnosis)];
  if (all.some(isAccessProblem)) return EXIT.accessProblem;
  if (all.some((diagnosis) => diagnosis.kind !== 'ok')) return EXIT.noVerdict;
  return EXIT.ok;
}

// ---- JSON ---------------------------------------------------------------------------------

const KINDS = Object.keys(CATEGORY_OF) as [DiagnosisKind, ...DiagnosisKind[]];
const CATEGORIES = [
  'ok',
  'access',
  'transient',
  'input',
  'unexpected',
] as const satisfies readonly DiagnosisCategory[];

/** What Notion answered, common to the token and each result. */
const verdictFields = {
  /** `true` only for `status: "ok"`. */
  ok: z.boolean(),
  /** The diagnosis: `ok`, `token_invalid`, `not_shared`, `restricted`, `in_trash`, `rate_limited`… */
  status: z.enum(KINDS),
  /** `access` (exit 1), `transient`/`unexpected`/`input` (no verdict, exit 2), `ok`. */
  category: z.enum(CATEGORIES),
  /** Notion's HTTP status, when it answered with an error (401, 403, 404, 429, 5xx). */
  httpStatus: z.number().int().optional(),
  /** Notion's error code (`object_not_found`…). */
  code: z.string().optional(),
  /** Notion's request id of the failing call: what Notion support asks for. */
  requestId: z.string().optional(),
  /** The diagnosis in plain words, when not ok. */
  problem: z.string().optional(),
  /** The fix steps, in order, for an access problem. */
  fix: z.array(z.string()).optional(),
};

export const cliResultSchema = z.strictObject({
  /** The argument as given. */
  input: z.string(),
  /** The Notion id (dashed, lower case) found in it. */
  id: z.string().optional(),
  type: z.enum(['page', 'database', 'data_source', 'unknown']),
  /** False when the token failed: nothing else was asked; `status` is then the token's. */
  checked: z.boolean(),
  title: z.string().optional(),
  url: z.string().optional(),
  ...verdictFields,
});

export const cliReportSchema = z.strictObject({
  /** True exactly when `exitCode` is 0. */
  ok: z.boolean(),
  exitCode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  token: z.strictObject({
    /** The token's last 4 characters (`…abcd`): the only part of it ever printed. */
    fingerprint: z.string(),
    ...verdictFields,
  }),
  /** Who the token belongs to, from users.me (when the token works). */
  integration: z
    .strictObject({
      id: z.string(),
      name: z.string(),
      workspace: z.string().optional(),
      ownerType: z.enum(['workspace', 'user', 'unknown']),
    })
    .optional(),
  /** One per distinct argument, in the order given. */
  results: z.array(cliResultSchema),
  durationMs: z.number(),
});

export type CliResult = z.infer<typeof cliResultSchema>;
export type CliReport = z.infer<typeof cliReportSchema>;

function verdict(diagnosis: Diagnosis, fix: string[], prefix = '') {
  const { status, code, requestId } = diagnosis.detail;
  return {
    ok: diagnosis.kind === 'ok',
    status: diagnosis.kind,
    category: diagnosis.category,
    ...(status !== undefined && { httpStatus: status }),
    ...(code !== undefined && { code }),
    ...(requestId !== undefined && { requestId }),
    ...(diagnosis.kind !== 'ok' && { problem: `${prefix}${problemText(diagnosis)}` }),
    ...(fix.length > 0 && { fix }),
  };
}

function stepsFor(run: CheckRun, diagnosis: Diagnosis, resource?: ResourceRef): string[] {
  if (!isAccessProblem(diagnosis)) return [];
  const requestIds = diagnosis.detail.requestId ? [diagnosis.detail.requestId] : [];
  return fixSteps(diagnosis.kind, { ...connectionContext(run), resource, requestIds });
}

export function toJsonReport(run: CheckRun): CliReport {
  const exitCode = exitCodeOf(run) as 0 | 1 | 2;
  const tokenOk = run.token.diagnosis.kind === 'ok';
  const integration = run.integration;
  return {
    ok: exitCode === EXIT.ok,
    exitCode,
    token: {
      fingerprint: run.fingerprint ?? '',
      ...verdict(run.token.diagnosis, stepsFor(run, run.token.diagnosis)),
    },
    ...(integration && {
      integration: {
        id: integration.id,
        name: integration.name,
        ...(integration.workspaceName !== undefined && { workspace: integration.workspaceName }),
        ownerType: integration.ownerType,
      },
    }),
    results: run.resources.map((resource) => ({
      input: resource.input,
      ...(resource.id !== undefined && { id: resource.id }),
      type: resource.type,
      checked: tokenOk,
      ...(resource.title !== undefined && { title: resource.title }),
      ...(resource.url !== undefined && { url: resource.url }),
      ...(tokenOk
        ? verdict(resource.diagnosis, stepsFor(run, resource.diagnosis, refOf(resource)))
        : verdict(resource.diagnosis, [], 'Not checked: ')),
    })),
    durationMs: run.durationMs,
  };
}

// ---- text ---------------------------------------------------------------------------------

const SYMBOL: Record<DiagnosisCategory, string> = {
  ok: '✓',
  access: '✗',
  transient: '⚠',
  input: '⚠',
  unexpected: '⚠',
};

const TYPE_WORDS: Record<ResourceRef['type'], string> = {
  page: 'page',
  database: 'database',
  data_source: 'data source',
  unknown: '',
};

/** `"Roadmap" (page 1a2b…)`, or what was typed when Notion told us nothing about it. */
function label(resource: ResourceRef): string {
  if (!resource.title) return clean(resource.input.slice(0, 200));
  const type = [TYPE_WORDS[resource.type], resource.id].filter(Boolean).join(' ');
  return `"${clean(resource.title)}"${type ? ` (${type})` : ''}`;
}

function withDetail(diagnosis: Diagnosis, words: string): string {
  const detail = answerDetail(diagnosis);
  return detail ? `${words} [${detail}]` : words;
}

function tokenLine(run: CheckRun): string {
  const diagnosis = run.token.diagnosis;
  const token = `Token ${run.fingerprint ?? ''}`.trim();
  if (diagnosis.kind === 'ok') {
    const integration = run.integration;
    if (!integration) return `${SYMBOL.ok} ${token} works`;
    const workspace = integration.workspaceName
      ? ` in the "${clean(integration.workspaceName)}" workspace`
      : '';
    const owner = integration.ownerType === 'user' ? ', owned by a user' : '';
    return `${SYMBOL.ok} ${token} works — integration "${clean(integration.name)}"${workspace}${owner}`;
  }
  return `${SYMBOL[diagnosis.category]} ${token} — ${withDetail(diagnosis, problemText(diagnosis))}`;
}

function resourceLine(resource: ResourceCheck, tokenOk: boolean): string {
  const diagnosis = resource.diagnosis;
  const symbol = SYMBOL[diagnosis.category];
  if (!tokenOk) return `${symbol} ${label(resource)} — not checked (the token check failed)`;
  if (diagnosis.kind === 'ok') return `${symbol} ${label(resource)}`;
  return `${symbol} ${label(resource)} — ${withDetail(diagnosis, problemText(diagnosis))}`;
}

const MAX_AFFECTED = 10;

function affectedList(affected: ResourceRef[]): string {
  const shown = affected.slice(0, MAX_AFFECTED).map(label).join(', ');
  const more = affected.length - MAX_AFFECTED;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

/** One group per distinct access problem, the token's first (domain/check's accessProblems). */
function fixLines(run: CheckRun): string[] {
  const problems = accessProblems(run);
  if (problems.length === 0) return [];
  const base = connectionContext(run);
  const lines = problems.flatMap((problem) => {
    const affected = problem.affected.length ? ` — ${affectedList(problem.affected)}` : '';
    const context = { ...base, resource: problem.resource, requestIds: problem.requestIds };
    const steps = fixSteps(problem.kind, context).map((step, i) => `  ${i + 1}. ${step}`);
    return ['', `How to fix: ${PROBLEM_WORDS[problem.kind]}${affected}`, ...steps];
  });
  const requestIds = problems.flatMap((problem) => problem.requestIds).slice(0, 20);
  return [...lines, '', escalation(requestIds)];
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function summary(run: CheckRun, exitCode: ExitCode): string {
  const took = `in ${seconds(run.durationMs)}, exit ${exitCode}`;
  const token = run.token.diagnosis;
  if (token.kind !== 'ok') {
    return isAccessProblem(token)
      ? `The token does not work, so nothing else could be checked (${took}).`
      : `No verdict: ${problemText(token)} (${took}).`;
  }
  const total = run.resources.length;
  const by = (category: DiagnosisCategory | 'other') =>
    run.resources.filter((resource) => {
      const c = resource.diagnosis.category;
      return category === 'other' ? c !== 'ok' && c !== 'access' : c === category;
    }).length;
  if (exitCode === EXIT.ok) {
    return `All good: the token works and ${count(total, 'page or database is', 'pages or databases are')} readable (${took}).`;
  }
  const parts = [
    by('access') ? count(by('access'), 'access problem', 'access problems') : '',
    by('other')
      ? `${by('other')} without a verdict (Notion unavailable or rate limiting — not an access problem, try again later)`
      : '',
    by('ok') ? `${by('ok')} accessible` : '',
  ].filter(Boolean);
  return `${parts.join(', ')} (${took}).`;
}

/** The report for a terminal: a line for the token, one per id, the fix steps, a summary. */
export function renderText(run: CheckRun): string {
  const exitCode = exitCodeOf(run);
  const tokenOk = run.token.diagnosis.kind === 'ok';
  const lines = [
    'Notion access check',
    tokenLine(run),
    ...run.resources.map((resource) => resourceLine(resource, tokenOk)),
    ...fixLines(run),
    '',
    summary(run, exitCode),
  ];
  return `${lines.join('\n')}\n`;
}
