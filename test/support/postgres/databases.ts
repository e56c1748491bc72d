import { randomBytes } from 'node:crypto';
import pg from 'pg';

const URL_VARIABLE = 'NOTION_CHECK_TEST_POSTGRES_URL';

/** The test run's PostgreSQL server (globalSetup.ts started it). */
export function serverUrl(): string {
  const url = process.env[URL_VARIABLE];
  if (!url) throw new Error(`${URL_VARIABLE} is not set: jest's globalSetup starts PostgreSQL`);
  return url;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the test server; `drop()` removes it (closing what is left open). */
export async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const drop = async () => {
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  };
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop,
  };
}
