/**
 * Everything an integration can see, through `POST /v1/search` (a building block of "watch all").
 * Search is a hint, not a verdict: it lags new shares and "is not guaranteed to return
 * everything", so absence from this list never means "not shared" — a direct GET decides that.
 */
import { type Client, iteratePaginatedAPI } from '@notionhq/client';
import { z } from 'zod';
import type { InventoryItem } from '../domain/inventory';

export interface Inventory {
  items: InventoryItem[];
  /** False when Notion said the listing is incomplete or a later page failed. */
  complete: boolean;
  /** Results that did not look like a page, data source or database (left out of items). */
  skipped: number;
}

const PAGE_SIZE = 100;

const plainText = z
  .array(z.looseObject({ plain_text: z.string().catch('') }))
  .catch([])
  .transform((parts) => parts.map((part) => part.plain_text).join(''));

const resultSchema = z.looseObject({
  object: z.enum(['page', 'data_source', 'database']),
  id: z.string().min(1),
  url: z.string().nullish().catch(undefined),
  in_trash: z.boolean().optional().catch(undefined),
  archived: z.boolean().optional().catch(undefined),
  parent: z.looseObject({ type: z.string() }).optional().catch(undefined),
  // Data sources and databases.
  title: z.unknown().optional(),
  // Pages: the title is the one property of type "title", whatever its name.
  properties: z.record(z.string(), z.unknown()).optional().catch(undefined),
});

const titleProperty = z.looseObject({ type: z.literal('title'), title: plainText });

// request_status.type per the SDK's SearchResponse; a bare string is accepted too, in case.
const requestStatusSchema = z.union([
  z.looseObject({ type: z.string() }).transform((status) => status.type),
  z.string(),
]);

function titleOf(result: z.infer<typeof resultSchema>): string {
  if (result.object !== 'page') return plainText.parse(result.title);
  for (const property of Object.values(result.properties ?? {})) {
    const parsed = titleProperty.safeParse(property);
    if (parsed.success) return parsed.data.title;
  }
  return '';
}

function parentIdOf(parent: { type: string; [key: string]: unknown } | undefined) {
  const id = parent?.[parent.type];
  return typeof id === 'string' ? id : undefined;
}

export function toInventoryItem(raw: unknown): InventoryItem | undefined {
  const parsed = resultSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const result = parsed.data;
  const item: InventoryItem = {
    id: result.id,
    type: result.object,
    title: titleOf(result),
    inTrash: result.in_trash ?? result.archived ?? false,
  };
  if (typeof result.url === 'string') item.url = result.url;
  const parentId = parentIdOf(result.parent);
  if (parentId !== undefined) item.parentId = parentId;
  return item;
}

/**
 * Lists every page and data source search returns, 100 per request, following every cursor.
 * A failure on the first request throws (the caller diagnoses it); a failure on a later one
 * ends the listing with what was gathered and `complete: false`.
 */
export async function listVisible(client: Client): Promise<Inventory> {
  const items: InventoryItem[] = [];
  let skipped = 0;
  let complete = true;
  let pages = 0;
  const search: typeof client.search = async (args) => {
    const response = await client.search(args);
    pages += 1;
    const status = requestStatusSchema.safeParse(
      (response as { request_status?: unknown }).request_status,
    );
    if (status.success && status.data === 'incomplete') complete = false;
    return response;
  };
  try {
    for await (const result of iteratePaginatedAPI(search, { page_size: PAGE_SIZE })) {
      const item = toInventoryItem(result);
      if (item === undefined) skipped += 1;
      else items.push(item);
    }
  } catch (error) {
    if (pages === 0) throw error;
    complete = false;
  }
  return { items, complete, skipped };
}
