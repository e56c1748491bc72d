import { APIErrorCode, APIResponseError, type Client, extractNotionId } from '@notionhq/client';
import { z } from 'zod';
import type { ResourceCheck, ResourceType, TokenCheck } from '../domain/check';
import { type Diagnosis, diagnosisOf } from '../domain/diagnosis';
import { diagnoseError } from './diagnose';

const richText = z.array(z.object({ plain_text: z.string() }).loose()).catch([]);
const plain = (items: { plain_text: string }[]) => items.map((item) => item.plain_text).join('');

const botUser = z
  .object({
    object: z.literal('user'),
    id: z.string(),
    name: z.string().nullish(),
    type: z.literal('bot'),
    bot: z
      .object({
        owner: z
          .object({ type: z.enum(['workspace', 'user']) })
          .loose()
          .optional(),
        workspace_name: z.string().nullish(),
      })
      .loose()
      .optional(),
  })
  .loose();

const page = z
  .object({
    object: z.literal('page'),
    id: z.string(),
    url: z.string().optional(),
    in_trash: z.boolean().optional(),
    archived: z.boolean().optional(),
    properties: z
      .record(z.string(), z.object({ type: z.string(), title: richText.optional() }).loose())
      .catch({}),
  })
  .loose();

const database = z
  .object({
    object: z.enum(['database', 'data_source']),
    id: z.string(),
    url: z.string().optional(),
    title: richText,
    in_trash: z.boolean().optional(),
    archived: z.boolean().optional(),
  })
  .loose();

/** `users.me`: the token is valid iff this answers; 401 means revoked, regenerated or deleted. */
export async function checkToken(client: Client): Promise<TokenCheck> {
  try {
    const parsed = botUser.safeParse(await client.users.me({}));
    if (!parsed.success) {
      return {
        diagnosis: diagnosisOf('bad_response', { message: 'users.me returned no bot user' }),
      };
    }
    const bot = parsed.data;
    return {
      integration: {
        id: bot.id,
        name: bot.name ?? 'Unnamed integration',
        workspaceName: bot.bot?.workspace_name ?? undefined,
        ownerType: bot.bot?.owner?.type ?? 'unknown',
      },
      diagnosis: diagnosisOf('ok'),
    };
  } catch (error) {
    return { diagnosis: diagnoseError(error) };
  }
}

function pageTitle(properties: z.infer<typeof page>['properties']): string | undefined {
  const title = Object.values(properties).find((property) => property.type === 'title');
  return title?.title ? plain(title.title) || 'Untitled' : undefined;
}

/** Which endpoint Notion says the ID belongs to, from its "is a database, not a page" answer. */
function wrongTypeHint(error: unknown): 'database' | undefined {
  if (!APIResponseError.isAPIResponseError(error)) return undefined;
  if (error.code !== APIErrorCode.ValidationError) return undefined;
  // Data source IDs never get this answer (they 404 on /pages); databases do, when readable.
  if (/is a database/i.test(error.message)) return 'database';
  return undefined;
}

async function retrieve(
  client: Client,
  id: string,
  type: Exclude<ResourceType, 'unknown'>,
  input: string,
): Promise<ResourceCheck> {
  const parsed =
    type === 'page'
      ? page.safeParse(await client.pages.retrieve({ page_id: id }))
      : database.safeParse(
          type === 'database'
            ? await client.databases.retrieve({ database_id: id })
            : await client.dataSources.retrieve({ data_source_id: id }),
        );
  if (!parsed.success) {
    return failed(
      input,
      id,
      type,
      diagnosisOf('bad_response', { message: `unexpected ${type} object` }),
    );
  }
  const data = parsed.data;
  const title = data.object === 'page' ? pageTitle(data.properties) : plain(data.title);
  const inTrash = data.in_trash ?? data.archived ?? false;
  return {
    input,
    id: data.id,
    type,
    title: title || 'Untitled',
    url: data.url,
    inTrash,
    diagnosis: diagnosisOf(inTrash ? 'in_trash' : 'ok'),
  };
}

function failed(
  input: string,
  id: string | undefined,
  type: ResourceType,
  result: Diagnosis,
): ResourceCheck {
  return { input, id, type, inTrash: false, diagnosis: result };
}

/**
 * As few calls as Notion allows. A page answers at once. A readable database's ID makes
 * /pages answer "is a database, not a page", naming the endpoint to ask. A data source's ID
 * gets a 404 from /pages, as does anything not shared, so only a 404 costs a second call.
 */
export async function checkResource(client: Client, input: string): Promise<ResourceCheck> {
  const id = extractNotionId(input);
  if (!id) {
    const message = `"${input}" has no Notion ID in it`;
    return failed(input, undefined, 'unknown', diagnosisOf('invalid_input', { message }));
  }
  try {
    return await retrieve(client, id, 'page', input);
  } catch (error) {
    const result = diagnoseError(error);
    const next = wrongTypeHint(error) ?? (result.kind === 'not_shared' ? 'data_source' : undefined);
    if (!next) return failed(input, id, 'unknown', result);
    try {
      return await retrieve(client, id, next, input);
    } catch (retryError) {
      const retryResult = diagnoseError(retryError);
      // Not a page and not a data source either: keep the first answer and its request_id.
      if (next === 'data_source' && retryResult.kind === 'not_shared') {
        return failed(input, id, 'unknown', result);
      }
      return failed(input, id, next, retryResult);
    }
  }
}

/**
 * A direct check of an object whose type is known (an inventory item): one request, to the
 * endpoint of that type, where checkResource may need two to find it.
 */
export async function checkKnown(
  client: Client,
  id: string,
  type: Exclude<ResourceType, 'unknown'>,
): Promise<ResourceCheck> {
  try {
    return await retrieve(client, id, type, id);
  } catch (error) {
    return failed(id, id, type, diagnoseError(error));
  }
}
