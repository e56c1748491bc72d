import { randomUUID } from 'node:crypto';
import { APIResponseError, type Client } from '@notionhq/client';
import { createNotionClient } from '../../../src/notion/client';
import { RateLimiter } from '../../../src/notion/pacing';
import { listVisible, toInventoryItem } from '../../../src/notion/search';
import { FakeNotion } from '../../fakes/fakeNotion';
import { fakeNotionToken } from '../../support/harness';

let notion: FakeNotion;
let seed = 0;

beforeAll(async () => {
  notion = new FakeNotion();
  await notion.start();
});

afterAll(async () => {
  await notion.stop();
});

afterEach(() => {
  notion.clearFaults();
});

/** A fresh integration per test, so listings never mix. */
function integration(): { token: string; client: Client } {
  seed += 1;
  const token = fakeNotionToken(`search${seed}`);
  notion.addIntegration({ token, name: 'Docs Sync', workspaceName: 'Acme' });
  const client = createNotionClient(token, {
    baseUrl: notion.url,
    limiter: new RateLimiter(1_000, 1_000),
    deadline: Date.now() + 20_000,
    maxRetries: 0,
  });
  return { token, client };
}

function addPages(count: number, input: { sharedWith?: string[]; parentId?: string }): string[] {
  return Array.from({ length: count }, (_, i) => {
    const id = randomUUID();
    notion.addPage({ id, title: `Page ${i}`, ...input });
    return id;
  });
}

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    if (APIResponseError.isAPIResponseError(error)) return error.status;
    throw error;
  }
}

function searches(token: string) {
  return notion.requestsFor(token).filter((r) => r.method === 'POST' && r.path === '/v1/search');
}

test('250 shared pages are listed in 3 requests of 100', async () => {
  const { token, client } = integration();
  const [root = ''] = addPages(1, { sharedWith: [token] });
  // 149 more shared directly, 100 through their parent.
  const ids = [
    root,
    ...addPages(149, { sharedWith: [token] }),
    ...addPages(100, { parentId: root }),
  ];
  addPages(5, {}); // not shared with this token

  const inventory = await listVisible(client);

  expect(inventory.complete).toBe(true);
  expect(inventory.skipped).toBe(0);
  expect(inventory.items.map((item) => item.id).sort()).toEqual([...ids].sort());
  expect(searches(token)).toHaveLength(3);
  const child = inventory.items.find((item) => item.id === ids[200]);
  expect(child).toEqual({
    id: ids[200],
    type: 'page',
    title: expect.stringMatching(/^Page \d+$/),
    url: expect.stringContaining('https://www.notion.so/'),
    parentId: root,
    inTrash: false,
  });
});

test('an object hidden from search is not listed, yet a GET still reads it', async () => {
  const { token, client } = integration();
  const [shown = '', hidden = ''] = addPages(2, { sharedWith: [token] });
  notion.hideFromSearch(hidden);

  const inventory = await listVisible(client);

  expect(inventory.items.map((item) => item.id)).toEqual([shown]);
  expect(inventory.complete).toBe(true);
  expect(await status(client.pages.retrieve({ page_id: hidden }))).toBe(200);
});

test('a response marked incomplete makes the listing incomplete, keeping what it listed', async () => {
  const { token, client } = integration();
  const ids = addPages(3, { sharedWith: [token] });
  notion.setSearchIncomplete(true);
  try {
    const inventory = await listVisible(client);
    expect(inventory.complete).toBe(false);
    expect(inventory.items.map((item) => item.id)).toEqual(ids);
  } finally {
    notion.setSearchIncomplete(false);
  }
});

test('unshareSubtree takes the subtree out of the listing and makes its GETs 404', async () => {
  const { token, client } = integration();
  const root = randomUUID();
  const branch = randomUUID();
  const leaf = randomUUID();
  const database = randomUUID();
  const dataSource = randomUUID();
  notion.addPage({ id: root, title: 'Wiki', sharedWith: [token] });
  notion.addPage({ id: branch, title: 'Team', parentId: root, sharedWith: [token] });
  notion.addPage({ id: leaf, title: 'Notes', parentId: branch });
  notion.addDatabase({
    id: database,
    title: 'Tasks',
    parentId: branch,
    dataSources: [{ id: dataSource, name: 'Tasks' }],
  });

  const before = await listVisible(client);
  expect(before.items.map((item) => item.id).sort()).toEqual(
    [root, branch, leaf, dataSource].sort(),
  );
  expect(before.items.find((item) => item.id === dataSource)).toMatchObject({
    type: 'data_source',
    title: 'Tasks',
    parentId: database,
  });

  notion.unshareSubtree(branch, token);
  const after = await listVisible(client);

  expect(after.items.map((item) => item.id)).toEqual([root]);
  expect(await status(client.pages.retrieve({ page_id: root }))).toBe(200);
  expect(await status(client.pages.retrieve({ page_id: branch }))).toBe(404);
  expect(await status(client.pages.retrieve({ page_id: leaf }))).toBe(404);
  expect(await status(client.databases.retrieve({ database_id: database }))).toBe(404);
  expect(await status(client.dataSources.retrieve({ data_source_id: dataSource }))).toBe(404);
});

test('trashed objects are listed, marked inTrash', async () => {
  const { token, client } = integration();
  const [kept = '', trashed = ''] = addPages(2, { sharedWith: [token] });
  notion.trash(trashed);

  const inventory = await listVisible(client);

  expect(inventory.items).toEqual([
    expect.objectContaining({ id: kept, inTrash: false }),
    expect.objectContaining({ id: trashed, inTrash: true }),
  ]);
});

test('a failure on the 2nd page ends the listing incomplete with the first 100', async () => {
  const { token, client } = integration();
  const ids = addPages(150, { sharedWith: [token] });
  const stop = notion.onRequest((request) => {
    // Added as the 2nd search arrives, so it applies to that request and later ones.
    if (request.token === token && searches(token).length === 2) {
      notion.fault({
        match: { pathPrefix: '/v1/search', token },
        fault: { kind: 'status', status: 503 },
      });
    }
  });
  try {
    const inventory = await listVisible(client);
    expect(inventory.complete).toBe(false);
    expect(inventory.items.map((item) => item.id)).toEqual(ids.slice(0, 100));
  } finally {
    stop();
  }
});

test('a failure on the first page throws', async () => {
  const { token, client } = integration();
  addPages(2, { sharedWith: [token] });
  notion.fault({
    match: { pathPrefix: '/v1/search', token },
    fault: { kind: 'status', status: 503 },
  });
  await expect(listVisible(client)).rejects.toMatchObject({ status: 503 });
});

test('results that are not pages, data sources or databases are skipped and counted', () => {
  expect(toInventoryItem({ object: 'block', id: randomUUID() })).toBeUndefined();
  expect(toInventoryItem({ object: 'page' })).toBeUndefined();
  // A partial page still counts: it is visible, only its details are missing.
  const id = randomUUID();
  expect(toInventoryItem({ object: 'page', id })).toEqual({
    id,
    type: 'page',
    title: '',
    inTrash: false,
  });
  // A row of a data source: its title property has the schema's name; older versions' archived.
  expect(
    toInventoryItem({
      object: 'page',
      id,
      archived: true,
      parent: { type: 'data_source_id', data_source_id: 'ds', database_id: 'db' },
      properties: { Name: { type: 'title', title: [{ plain_text: 'Row ' }, { plain_text: '1' }] } },
    }),
  ).toEqual({ id, type: 'page', title: 'Row 1', parentId: 'ds', inTrash: true });
});
