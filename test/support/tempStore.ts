import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../src/store/store';

/**
 * A real Store on a fresh temporary SQLite file for each test (jest hooks registered here), and
 * `restart()` to reopen the same file: what survives a restart is what the database kept.
 */
export function useTempStore(name: string) {
  let dir = '';
  let store: Store | undefined;
  const current = {
    file: '',
    get store(): Store {
      if (!store) throw new Error('useTempStore: no test is running');
      return store;
    },
    async restart(): Promise<Store> {
      await store?.close();
      store = new Store(current.file);
      return store;
    },
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `notion-check-${name}-`));
    current.file = path.join(dir, 'data', 'notion-check.db');
    store = new Store(current.file);
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return current;
}
