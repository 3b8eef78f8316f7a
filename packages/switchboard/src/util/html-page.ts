/**
 * The small HTML pages a member's browser sees on the hub's public links: one self-contained document (no
 * scripts, no external assets, every text escaped) sent with a CSP that allows nothing but inline styles,
 * no caching and no referrer, so that nothing on the page can load, leak or be framed.
 */

export type HtmlPage = { status: number; headers: Record<string, string>; html: string };

/**
 * How a browser flow (signing in with Discord, linking an account) begins: a redirect to the provider with a
 * cookie binding the flow to this browser, or a page saying why it cannot begin.
 */
export type BrowserFlowStart =
  | { kind: 'redirect'; location: string; browserBinding: string; maxAgeSeconds: number }
  | { kind: 'page'; page: HtmlPage };

export const HTML_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A page with a title and one paragraph; a 2xx status shows as success, anything else as a problem. */
export function htmlPage(status: number, title: string, body: string): HtmlPage {
  const ok = status >= 200 && status < 300;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Switchboard</title>
<style>
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#111318;color:#e6e8ee;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:32rem;margin:1.5rem;padding:2rem;background:#1b1e26;border-radius:12px;border-top:4px solid ${ok ? '#3ba55d' : '#ed4245'}}
h1{margin:0 0 .75rem;font-size:1.35rem;color:#fff}
p{margin:0;color:#c9ccd6}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(body)}</p>
</main>
</body>
</html>
`;
  return { status, headers: { ...HTML_PAGE_HEADERS }, html };
}
