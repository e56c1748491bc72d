import { InstalledWorkspaces, OneWorkspace, type Workspace } from '../../src/workspace';

const fakeWorkspace = (team: string, token: string) =>
  ({ team, services: { token }, sweep: {} }) as unknown as Workspace;

describe('InstalledWorkspaces (many workspaces)', () => {
  function registry(tokens: Map<string, string>) {
    const builds: string[] = [];
    const workspaces = new InstalledWorkspaces({
      botToken: async (team) => tokens.get(team),
      build: (team, token) => {
        builds.push(`${team}:${token}`);
        return fakeWorkspace(team, token);
      },
    });
    return { workspaces, builds };
  }

  it('builds each installed workspace once, with its own token', async () => {
    const tokens = new Map([
      ['T0AAA', 'token-a'],
      ['T0BBB', 'token-b'],
    ]);
    const { workspaces, builds } = registry(tokens);
    const a = await workspaces.of('T0AAA');
    expect(await workspaces.forRequest({ teamId: 'T0AAA', botToken: 'token-a' })).toBe(a);
    const b = await workspaces.forRequest({ teamId: 'T0BBB' });
    expect(b?.team).toBe('T0BBB');
    expect(b).not.toBe(a);
    expect(builds).toEqual(['T0AAA:token-a', 'T0BBB:token-b']);
  });

  it('serves no workspace without an installation, nor the one-workspace team', async () => {
    const { workspaces, builds } = registry(new Map([['', 'token']]));
    expect(await workspaces.of('T0NONE')).toBeUndefined();
    expect(await workspaces.of('')).toBeUndefined();
    expect(await workspaces.forRequest({})).toBeUndefined();
    expect(builds).toEqual([]);
  });

  it('builds again when the token changed (a reinstall), and drops an uninstalled one', async () => {
    const tokens = new Map([['T0AAA', 'token-a']]);
    const { workspaces, builds } = registry(tokens);
    const first = await workspaces.of('T0AAA');
    tokens.set('T0AAA', 'token-a2');
    const second = await workspaces.of('T0AAA');
    expect(second).not.toBe(first);
    expect(builds).toEqual(['T0AAA:token-a', 'T0AAA:token-a2']);
    tokens.delete('T0AAA');
    expect(await workspaces.of('T0AAA')).toBeUndefined();
    expect(workspaces.built()).toEqual([]);
  });

  it('forget() drops what it kept of a workspace', async () => {
    const { workspaces } = registry(new Map([['T0AAA', 'token-a']]));
    await workspaces.of('T0AAA');
    workspaces.forget('T0AAA');
    expect(workspaces.built()).toEqual([]);
  });
});

describe('OneWorkspace (SLACK_BOT_TOKEN)', () => {
  it("serves every request, but the monitor only the one workspace's team ''", async () => {
    const one = fakeWorkspace('', 'token');
    const workspaces = new OneWorkspace(one);
    expect(await workspaces.forRequest()).toBe(one);
    expect(await workspaces.of('')).toBe(one);
    // Rows of other teams (a database that was used with OAuth before) are not swept as its.
    expect(await workspaces.of('T0AAA')).toBeUndefined();
  });
});
