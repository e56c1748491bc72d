import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { BOT_SCOPES } from '../../src/slack/installations';

const ROOT = path.resolve(__dirname, '../..');
// Slack's official schema is reference data kept beside the project, not inside it.
const SCHEMA = path.resolve(
  ROOT,
  '../shared/reference/slack-manifest-schema/manifest.schema.1.0.0.json',
);

const manifest = parse(fs.readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8'));

(fs.existsSync(SCHEMA) ? test : test.skip)(
  "manifest.yml validates against Slack's manifest schema",
  () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  },
);

test('the manifest declares the command, interactivity and scopes the code relies on', () => {
  expect(manifest._metadata.major_version).toBe(1);
  const command = manifest.features.slash_commands.find(
    (c: { command: string }) => c.command === '/notion-check',
  );
  expect(command.url).toMatch(/\/slack\/events$/);
  expect(command.usage_hint).toBeTruthy();
  expect(manifest.settings.interactivity.is_enabled).toBe(true);
  // The Home tab (app_home_opened → views.publish) and the message shortcut.
  expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
  expect(manifest.features.shortcuts).toContainEqual(
    expect.objectContaining({
      name: 'Check Notion links',
      type: 'message',
      callback_id: 'check_notion_links',
    }),
  );
  expect(manifest.oauth_config.scopes.bot).toEqual(
    expect.arrayContaining(['commands', 'chat:write', 'chat:write.public', 'users:read']),
  );
  // An OAuth install asks for exactly the manifest's scopes, and ends where the manifest says.
  expect(BOT_SCOPES).toEqual(manifest.oauth_config.scopes.bot);
  expect(manifest.oauth_config.redirect_urls).toEqual([
    expect.stringMatching(/\/slack\/oauth_redirect$/),
  ]);
  // Uninstalling (or revoking the bot token) deletes the workspace's data: Slack must tell us.
  expect(manifest.settings.event_subscriptions.bot_events).toEqual(
    expect.arrayContaining(['app_uninstalled', 'tokens_revoked']),
  );
  // Every scope the manifest asks for is justified in the README.
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  for (const scope of manifest.oauth_config.scopes.bot) expect(readme).toContain(`\`${scope}\``);
});
