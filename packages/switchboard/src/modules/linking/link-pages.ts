/**
 * The pages a member's browser sees at the end of a linking step: success, or what went wrong and what
 * to do now. Each is one self-contained HTML document (no scripts, no external assets; every text is
 * escaped) sent with a CSP that allows nothing but inline styles, no caching and no referrer.
 */
import type { OAuthPlatform } from '../../storage/schema.ts';

export type LinkPageKind =
  | 'linked'
  | 'link_used'
  | 'link_expired'
  | 'link_unknown'
  | 'cancelled'
  | 'wrong_browser'
  | 'session_expired'
  | 'session_used'
  | 'session_unknown'
  | 'wrong_platform'
  | 'provider_failed'
  | 'unknown_platform'
  | 'not_configured';

export type LinkPage = { status: number; headers: Record<string, string>; html: string };

export const PLATFORM_NAMES: Readonly<Record<OAuthPlatform, string>> = { twitch: 'Twitch', youtube: 'YouTube', kick: 'Kick', discord: 'Discord' };

export const LINK_PAGE_HEADERS: Readonly<Record<string, string>> = {
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

type PageText = { status: number; title: string; body: string };

const START_AGAIN = 'Run /link in Discord again to get a new link.';

function textOf(kind: LinkPageKind, details: { platform?: OAuthPlatform; name?: string }): PageText {
  const platform = details.platform ? PLATFORM_NAMES[details.platform] : 'the account';
  switch (kind) {
    case 'linked':
      return { status: 200, title: `${platform} linked`, body: `Linked as ${details.name ?? 'your account'}. You can close this tab and go back to Discord.` };
    case 'link_used':
      return { status: 410, title: 'This link was already used', body: `Each link from /link works once. ${START_AGAIN}` };
    case 'link_expired':
      return { status: 410, title: 'This link has expired', body: `Links from /link are valid for 5 minutes. ${START_AGAIN}` };
    case 'link_unknown':
      return { status: 404, title: 'This link is not valid', body: `Check that you opened the whole link. ${START_AGAIN}` };
    case 'cancelled':
      return { status: 400, title: 'Linking cancelled', body: `Nothing was linked, because access was not granted on ${platform}. ${START_AGAIN}` };
    case 'wrong_browser':
      return { status: 400, title: 'Different browser', body: `Open the link in the same browser you started in. For your safety this attempt cannot be continued. ${START_AGAIN}` };
    case 'session_expired':
      return { status: 400, title: 'Took too long', body: `The sign-in on ${platform} was not finished in time. ${START_AGAIN}` };
    case 'session_used':
      return { status: 400, title: 'Already finished', body: `This sign-in was already completed and cannot be used twice. Run /connections in Discord to see what is linked.` };
    case 'session_unknown':
      return { status: 400, title: 'Unknown sign-in', body: `This sign-in was not started here, or it is too old. ${START_AGAIN}` };
    case 'wrong_platform':
      return { status: 400, title: 'Wrong service', body: `This sign-in was started for another service. ${START_AGAIN}` };
    case 'provider_failed':
      return { status: 502, title: `${platform} did not answer as expected`, body: `Nothing was linked. Try again in a few minutes with /link; if it keeps failing, tell the server's operator.` };
    case 'unknown_platform':
      return { status: 404, title: 'Unknown service', body: 'Switchboard links Twitch, YouTube, Kick and Discord accounts only.' };
    case 'not_configured':
      return { status: 404, title: `${platform} linking is not set up`, body: `The operator of this hub has not set up linking ${platform} accounts.` };
  }
}

export function linkPage(kind: LinkPageKind, details: { platform?: OAuthPlatform; name?: string } = {}): LinkPage {
  const { status, title, body } = textOf(kind, details);
  const ok = status === 200;
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
  return { status, headers: { ...LINK_PAGE_HEADERS }, html };
}
