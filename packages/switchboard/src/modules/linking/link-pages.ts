/**
 * The pages a member's browser sees at the end of a linking step: success, or what went wrong and what
 * to do now, as the hub's self-contained pages (util/html-page.ts).
 */
import type { OAuthPlatform } from '../../storage/schema.ts';
import { htmlPage, type HtmlPage } from '../../util/html-page.ts';

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

export const PLATFORM_NAMES: Readonly<Record<OAuthPlatform, string>> = { twitch: 'Twitch', youtube: 'YouTube', kick: 'Kick', discord: 'Discord' };

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

export function linkPage(kind: LinkPageKind, details: { platform?: OAuthPlatform; name?: string } = {}): HtmlPage {
  const { status, title, body } = textOf(kind, details);
  return htmlPage(status, title, body);
}
