import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/oauth';
import pino from 'pino';
import { SlackInstallations } from '../../../src/slack/installations';
import { DatabaseUnavailableError } from '../../../src/store/sql';
import { Store } from '../../../src/store/store';

const key = randomBytes(32);
const silent = pino({ level: 'silent' });
// Built at run time so no token-shaped literal sits in the repository.
const botToken = (seed: string) => ['xoxb', '1'.repeat(10), '2'.repeat(13), seed].join('-');

function installation(teamId: string, token: string): Installation<'v2', false> {
  return {
    team: { id: teamId, name: `Team ${teamId}` },
    enterprise: undefined,
    user: { id: 'U0INSTALLER', token: undefined, scopes: undefined },
    bot: { id: 'B0BOT', userId: 'U0BOT', token, scopes: ['commands'] },
    appId: 'A0APP',
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
  };
}

/** Bolt's query for one workspace's installation. */
const query = (teamId: string) => ({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });

describe('SlackInstallations (Bolt InstallationStore on the database)', () => {
  let store: Store;
  /** The installations on this test's store, sealed with `current` (and `previous`, if any). */
  const sealedWith = (current: Buffer, previous?: Buffer) =>
    new SlackInstallations(
      store,
      { encryptionKey: current, previousEncryptionKey: previous },
      silent,
    );
  beforeEach(() => {
    store = new Store(':memory:');
  });
  afterEach(() => store.close());

  it('stores each workspace encrypted and gives it back', async () => {
    const installations = sealedWith(key);
    await installations.storeInstallation(installation('T0AAA', botToken('aaa')));
    await installations.storeInstallation(installation('T0BBB', botToken('bbb')));
    const row = await store.installations.get('T0AAA');
    expect(row?.ciphertext).toBeDefined();
    expect(row?.ciphertext).not.toContain(botToken('aaa'));
    expect(row?.ciphertext).not.toContain('Team T0AAA');
    const fetched = await installations.fetchInstallation(query('T0AAA'));
    expect(fetched.bot?.token).toBe(botToken('aaa'));
    expect(await installations.botToken('T0BBB')).toBe(botToken('bbb'));
  });

  it('throws for a workspace that never installed (Bolt then refuses its requests)', async () => {
    const installations = sealedWith(key);
    await expect(installations.fetchInstallation(query('T0NONE'))).rejects.toThrow(
      'no installation for workspace T0NONE',
    );
    expect(await installations.botToken('T0NONE')).toBeUndefined();
  });

  it('refuses an org-wide install', async () => {
    const installations = sealedWith(key);
    const org = {
      ...installation('T0AAA', botToken('aaa')),
      team: undefined,
      enterprise: { id: 'E0ORG', name: 'Org' },
      isEnterpriseInstall: true,
    } as unknown as Installation<'v2', true>;
    await expect(installations.storeInstallation(org)).rejects.toThrow('org-wide installs');
    expect(await store.installations.teams()).toEqual([]);
  });

  it('re-encrypts with the new key after a rotation; without the old key nothing opens', async () => {
    const old = randomBytes(32);
    await sealedWith(old).storeInstallation(installation('T0AAA', botToken('aaa')));
    const before = (await store.installations.get('T0AAA'))?.ciphertext;

    const forgetful = sealedWith(key);
    expect(await forgetful.botToken('T0AAA')).toBeUndefined();

    const rotating = sealedWith(key, old);
    expect(await rotating.reencryptWithCurrentKey()).toBe(1);
    expect(await rotating.reencryptWithCurrentKey()).toBe(0);
    expect((await store.installations.get('T0AAA'))?.ciphertext).not.toBe(before);
    expect(await forgetful.botToken('T0AAA')).toBe(botToken('aaa'));
  });

  it('while the database is down, the installation last read here stands in', async () => {
    const installations = sealedWith(key);
    await installations.storeInstallation(installation('T0AAA', botToken('aaa')));
    await installations.fetchInstallation(query('T0AAA'));
    const down = new DatabaseUnavailableError(new Error('connect ECONNREFUSED'));
    jest.spyOn(store.installations, 'get').mockRejectedValue(down);
    // Bolt's authorize passes: the listeners then say "try again in a minute".
    expect((await installations.fetchInstallation(query('T0AAA'))).bot?.token).toBe(
      botToken('aaa'),
    );
    // A workspace never read here is not guessed at; nor one forgotten (uninstalled).
    await expect(installations.fetchInstallation(query('T0BBB'))).rejects.toBe(down);
    installations.forget('T0AAA');
    await expect(installations.fetchInstallation(query('T0AAA'))).rejects.toBe(down);
  });

  it('deletes an installation', async () => {
    const installations = sealedWith(key);
    await installations.storeInstallation(installation('T0AAA', botToken('aaa')));
    await installations.deleteInstallation(query('T0AAA'));
    expect(await installations.botToken('T0AAA')).toBeUndefined();
  });
});
