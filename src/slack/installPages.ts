import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallbackOptions } from '@slack/oauth';

/** What a browser is shown at the end of /slack/oauth_redirect. */
function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // Nothing on these pages runs or loads anything.
    'content-security-policy': "default-src 'none'",
  });
  res.end(
    `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${body}</p></body></html>`,
  );
}

/**
 * Bolt's OAuth callback pages, in our words. The failure page says what to do, never why in
 * detail (an error code is logged instead): a forged or expired state, a refused code, or an
 * org-wide install all end the same way for the browser.
 */
export const INSTALL_PAGES: CallbackOptions = {
  success: (_installation, _options, _req: IncomingMessage, res: ServerResponse) =>
    page(
      res,
      200,
      'notion-check is installed',
      'Open Slack and type <code>/notion-check help</code> in any channel to get started.',
    ),
  failure: (_error, _options, _req: IncomingMessage, res: ServerResponse) =>
    page(
      res,
      400,
      'notion-check could not be installed',
      'The install link may have expired or been opened in another browser. Start again from the install page; if it keeps failing, ask your Slack admin whether the workspace allows this app.',
    ),
};
