/**
 * NOTION_TOKEN and NOTION_API_URL, from the environment or else from `.env` in the working
 * directory (dotenv's rule: the environment wins). Read, never written into process.env, so
 * `run()` stays a function of its arguments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import { hasNotionTokenPrefix } from '../security/tokens';

export const DEFAULT_NOTION_API_URL = 'https://api.notion.com';

export type Settings =
  | { ok: true; token: string; apiUrl: string }
  | { ok: false; problems: string[] };

type Env = Record<string, string | undefined>;

function readDotEnv(cwd: string): { values: Env; problem?: string } {
  const file = path.join(cwd, '.env');
  try {
    return { values: parse(fs.readFileSync(file)) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return { values: {} };
    return { values: {}, problem: `could not read ${file} (${code ?? 'unknown error'})` };
  }
}

const WHERE_TO_GET_IT =
  'copy the Internal Integration Secret (ntn_… or secret_…) from https://www.notion.so/my-integrations → your integration → Configuration';

/**
 * An empty variable counts as unset (a CI secret that is not defined arrives as ""), so `.env`
 * may still provide it. Problems name the variable and how to fix it, never the token itself.
 */
export function readSettings(env: Env, cwd: string): Settings {
  const dotEnv = readDotEnv(cwd);
  const value = (name: string) => env[name]?.trim() || dotEnv.values[name]?.trim() || undefined;
  const problems = dotEnv.problem ? [dotEnv.problem] : [];

  const token = value('NOTION_TOKEN');
  if (!token) {
    const empty = env.NOTION_TOKEN !== undefined ? ' (it is empty)' : '';
    problems.push(
      `NOTION_TOKEN is not set${empty}: ${WHERE_TO_GET_IT}, and set it in the environment (in CI, from a secret: NOTION_TOKEN: \${{ secrets.NOTION_TOKEN }}) or in a .env file in ${cwd}`,
    );
  } else if (!hasNotionTokenPrefix(token)) {
    problems.push(`NOTION_TOKEN must start with ntn_ or secret_: ${WHERE_TO_GET_IT}`);
  }

  const apiUrl = value('NOTION_API_URL') ?? DEFAULT_NOTION_API_URL;
  if (!URL.canParse(apiUrl) || !/^https?:\/\//.test(apiUrl)) {
    problems.push(`NOTION_API_URL must be an http(s) URL such as ${DEFAULT_NOTION_API_URL}`);
  }

  if (problems.length > 0 || !token) return { ok: false, problems };
  return { ok: true, token, apiUrl: apiUrl.replace(/\/+$/, '') };
}
