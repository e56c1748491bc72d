/**
 * How a page, database or data source is named in every message: its title escaped, and a link
 * only to the URL Notion returned or, when Notion did not answer, to what the user typed if it
 * is a Notion link. Never an outside site under a Notion-id label.
 */
import type { ResourceRef } from '../../../../src/domain/check';
import { listAffected, resourceLabel } from '../../../../src/slack/blocks/resource';
import { pageId, pageUrl } from '../../../support/fixtures';

const ID = pageId(7);
const unread = (input: string): ResourceRef => ({ input, id: ID, type: 'unknown' });

describe('resourceLabel', () => {
  it('links the URL Notion returned, under the escaped title', () => {
    const label = resourceLabel({
      input: ID,
      id: ID,
      type: 'page',
      title: 'R&D *plans*',
      url: pageUrl(7),
    });
    expect(label).toBe(`<${pageUrl(7)}|R&amp;D ∗plans∗> (page)`);
  });

  it('names a data source in words', () => {
    const label = resourceLabel({ input: ID, id: ID, type: 'data_source', title: 'Tasks' });
    expect(label).toBe('*Tasks* (data source)');
  });

  it('a title on several lines stays on one', () => {
    const title = 'Roadmap\n:white_check_mark: *Token …abcd works* — all good';
    const label = resourceLabel({ input: ID, id: ID, type: 'page', title, url: pageUrl(7) });
    expect(label).not.toContain('\n');
    expect(label).toBe(
      `<${pageUrl(7)}|Roadmap ∶white_check_mark: ∗Token …abcd works∗ — all good> (page)`,
    );
  });

  it.each([
    `https://www.notion.so/acme/Roadmap-${ID}`,
    `https://notion.so/${ID}`,
    `https://acme.notion.site/Roadmap-${ID}`,
    `https://notion.site/${ID}`,
  ])('without a title, links what the user typed when it is a Notion link: %s', (input) => {
    expect(resourceLabel(unread(input))).toBe(`<${input}|${ID}>`);
  });

  it.each([
    `https://evil.example/x-${ID}`,
    `https://notion.so.evil.example/${ID}`,
    `https://evilnotion.site/${ID}`,
    `http://www.notion.so/${ID}`,
    `https://www.notion.so@evil.example/${ID}`,
    ID,
  ])('without a title, shows the id in bold, unlinked, for %s', (input) => {
    const label = resourceLabel(unread(input));
    expect(label).toBe(`*${ID}*`);
    expect(label).not.toContain('evil.example');
  });

  it('with a title but no URL from Notion, never links what the user typed', () => {
    const input = `https://www.notion.so/acme/Roadmap-${ID}`;
    expect(resourceLabel({ input, id: ID, type: 'page', title: 'Roadmap' })).toBe(
      '*Roadmap* (page)',
    );
  });

  it('without a Notion id, shows what was typed as inert code, cut at 100 characters', () => {
    const label = resourceLabel({ input: `\`x\` <@U1> *y*\n${'z'.repeat(200)}`, type: 'unknown' });
    expect(label).toBe(`\`ˋxˋ &lt;@U1&gt; ∗y∗ ${'z'.repeat(86)}\``);
  });

  it('listAffected links no outside site either', () => {
    const text = listAffected([unread(`https://evil.example/x-${ID}`), unread(pageUrl(7))]);
    expect(text).toBe(`*${ID}*, <${pageUrl(7)}|${ID}>`);
  });
});
