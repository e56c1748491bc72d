/** Notion links in a Slack message (src/domain/links.ts), with the SDK's id reader as in the app. */
import { extractNotionId } from '@notionhq/client';
import { isNotionLink, linksInText, notionLinksIn } from '../../../src/domain/links';

const ROADMAP = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const SPECS = '2b3c4d5e6f7a4b5c9d0e1f2a3b4c5d6e';
const VIEW = '9f8e7d6c5b4a49388271605f4e3d2c1b';
const roadmapUrl = `https://www.notion.so/acme/Roadmap-${ROADMAP}`;
const specsUrl = `https://www.notion.so/acme/Specs-${SPECS}`;

const links = (message: unknown) => notionLinksIn(message, extractNotionId);

describe('notionLinksIn', () => {
  it('finds a bare link in the text', () => {
    expect(links({ text: `look at ${roadmapUrl} please` })).toEqual([roadmapUrl]);
  });

  it('reads Slack-escaped links: <url> and <url|label>, the label never taken for the target', () => {
    const text = `<${roadmapUrl}|the roadmap> and <${specsUrl}> and <https://example.com|https://www.notion.so/acme/Other-${VIEW}>`;
    expect(links({ text })).toEqual([roadmapUrl, specsUrl]);
  });

  it('undoes &amp; inside an escaped link, so the query reads as Notion wrote it', () => {
    const escaped = `https://www.notion.so/acme/Tasks-${SPECS}?v=${VIEW}&amp;pvs=4`;
    const [link] = links({ text: `<${escaped}|Tasks>` });
    expect(link).toBe(`https://www.notion.so/acme/Tasks-${SPECS}?v=${VIEW}&pvs=4`);
    // The database in the path, not the view in the query (the SDK's rule).
    expect(extractNotionId(link as string)).toBe(extractNotionId(SPECS));
  });

  it('finds links that live only in blocks: rich_text link elements and section mrkdwn', () => {
    const message = {
      text: '',
      blocks: [
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: 'see ' },
                { type: 'link', url: roadmapUrl, text: 'Roadmap' },
              ],
            },
            {
              type: 'rich_text_list',
              elements: [
                {
                  type: 'rich_text_section',
                  elements: [{ type: 'link', url: specsUrl }],
                },
              ],
            },
          ],
        },
        { type: 'section', text: { type: 'mrkdwn', text: `<${roadmapUrl}|again>` } },
      ],
    };
    expect(links(message)).toEqual([roadmapUrl, specsUrl]);
  });

  it('finds links in attachments (an unfurl, another app’s post)', () => {
    const message = {
      text: 'nothing here',
      attachments: [
        { title: 'Roadmap', title_link: roadmapUrl, from_url: roadmapUrl },
        { text: `Updated <${specsUrl}|Specs>`, fallback: 'Updated Specs' },
      ],
    };
    expect(links(message)).toEqual([roadmapUrl, specsUrl]);
  });

  it('counts a page linked twice once, as the first link that names it', () => {
    const message = {
      text: `${roadmapUrl} ${specsUrl} https://acme.notion.site/${ROADMAP}?pvs=4`,
      blocks: [{ type: 'rich_text', elements: [{ type: 'link', url: roadmapUrl }] }],
    };
    expect(links(message)).toEqual([roadmapUrl, specsUrl]);
  });

  it('keeps the order the links appear in: text, then blocks, then attachments', () => {
    const message = {
      attachments: [{ title_link: specsUrl }],
      blocks: [{ type: 'rich_text', elements: [{ type: 'link', url: roadmapUrl }] }],
      text: '',
    };
    expect(links(message)).toEqual([roadmapUrl, specsUrl]);
  });

  it('leaves out links elsewhere and Notion links that name no page', () => {
    const text = [
      `https://example.com/${ROADMAP}`,
      `https://notion.so.evil.example/${ROADMAP}`,
      `https://evilnotion.so/${ROADMAP}`,
      'https://www.notion.so/my-integrations',
      'https://www.notion.so/help/add-and-manage-connections-with-the-api',
      `ftp://www.notion.so/${ROADMAP}`,
    ].join(' ');
    expect(links({ text })).toEqual([]);
  });

  it('does not take sentence punctuation as part of the link', () => {
    expect(links({ text: `Broken: ${roadmapUrl}. Also (${specsUrl}), fixed?` })).toEqual([
      roadmapUrl,
      specsUrl,
    ]);
  });

  it('has no cap of its own: the caller applies MAX_TARGETS', () => {
    const ids = Array.from(
      { length: 25 },
      (_, i) => `${i.toString(16).padStart(2, '0')}${'a'.repeat(30)}`,
    );
    const text = ids.map((id) => `https://www.notion.so/Page-${id}`).join('\n');
    expect(links({ text })).toHaveLength(25);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a number', 42],
    ['a message without text', { ts: '1.2' }],
    ['mentions and channels only', { text: '<@U0USER> in <#C0CHANNEL|general> <!here>' }],
  ])('finds nothing in %s', (_label, message) => {
    expect(links(message)).toEqual([]);
  });

  it('stops at a bounded depth instead of walking forever', () => {
    let deep: unknown = { type: 'link', url: roadmapUrl };
    for (let i = 0; i < 1_000; i++) deep = { elements: [deep] };
    expect(() => links({ blocks: [deep] })).not.toThrow();
    expect(links({ blocks: [deep] })).toEqual([]);
  });
});

describe('linksInText', () => {
  it('undoes the escapes: brackets a person typed (&lt; &gt;) end the link, &amp; is &', () => {
    expect(linksInText('a &lt;https://www.notion.so/x?a=1&amp;b=2&gt; b')).toEqual([
      'https://www.notion.so/x?a=1&b=2',
    ]);
  });
});

describe('isNotionLink', () => {
  it.each([
    'https://www.notion.so/acme/Page',
    'https://notion.so/Page',
    'https://acme.notion.site/Page',
    'https://www.notion.com/acme/Page',
    'http://www.notion.so/Page',
  ])('accepts %s', (link) => {
    expect(isNotionLink(link)).toBe(true);
  });

  it.each(['https://notion.so.example.com/', 'notion.so/Page', 'mailto:x@notion.so', 'https://'])(
    'refuses %s',
    (link) => {
      expect(isNotionLink(link)).toBe(false);
    },
  );
});
