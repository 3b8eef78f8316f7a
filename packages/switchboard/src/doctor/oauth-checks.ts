/**
 * One doctor check per account-linking OAuth provider. A provider is configured by its client id and secret,
 * which come as a pair; one without the other fails. For a configured provider: the redirect URL the hub
 * sends (derived from PUBLIC_URL) must be https unless it points at this machine, since providers refuse
 * plain http elsewhere; and its token endpoint must answer, which shows that DNS, the network and any proxy
 * let the hub reach it. Any HTTP answer counts (a HEAD to a token endpoint is usually refused with 4xx); only
 * no answer at all fails. A provider not configured is skipped.
 */
import { OAUTH_CLIENT_VARIABLES, type Config, type LinkPlatform } from '../config/environment.ts';
import { redirectUriOf } from '../modules/linking/link-flow.ts';
import { providerSpec } from '../modules/linking/providers/provider-table.ts';
import { DEFAULT_CHECK_TIMEOUT_MS, type CheckResult, type DoctorCheck } from './doctor-check.ts';
import { isLocalUrl } from './local-address.ts';

const PROVIDER_NAMES: Readonly<Record<LinkPlatform, string>> = { twitch: 'Twitch', youtube: 'YouTube (Google)', kick: 'Kick', discord: 'Discord' };

export type OAuthCheckOptions = {
  /** How long the endpoint may take to answer; kept below the check's own timeout so that its reason is the one reported. */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
};

/** The innermost reason of a failed fetch ("connect ECONNREFUSED 127.0.0.1:9"), not undici's "fetch failed". */
function reasonOf(error: unknown): string {
  let reason = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++, e = e.cause) {
    if (e.name === 'TimeoutError') return 'no answer in time';
    reason = e.message;
  }
  return reason;
}

async function reach(url: string, timeoutMs: number, fetchImpl: typeof fetch): Promise<{ status: number } | { error: string }> {
  try {
    const response = await fetchImpl(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return { status: response.status };
  } catch (error) {
    return { error: reasonOf(error) };
  }
}

export async function oauthProviderStatus(
  platform: LinkPlatform,
  env: Record<string, string | undefined>,
  config: Config | undefined,
  options: OAuthCheckOptions = {},
): Promise<CheckResult> {
  const names = OAUTH_CLIENT_VARIABLES[platform];
  const hasId = Boolean(env[names.id]);
  const hasSecret = Boolean(env[names.secret]);
  if (!hasId && !hasSecret) return { status: 'skip', detail: `not configured (${names.id} and ${names.secret} unset)` };
  if (hasId !== hasSecret) {
    const [set, unset] = hasId ? [names.id, names.secret] : [names.secret, names.id];
    return { status: 'fail', detail: `${set} is set but ${unset} is not`, fix: `set ${unset} too (a client id and its secret come as a pair), or unset ${set}` };
  }
  if (!config) return { status: 'skip', detail: 'needs a valid configuration' };
  const credentials = config.linking.providers[platform];
  const redirect = redirectUriOf(config.publicUrl, platform);
  const redirectUrl = new URL(redirect);
  if (redirectUrl.protocol !== 'https:' && !isLocalUrl(redirectUrl)) {
    return {
      status: 'fail',
      detail: `the redirect URL ${redirect} is not https`,
      fix: `${PROVIDER_NAMES[platform]} accepts plain http only for localhost: serve Switchboard over TLS and set PUBLIC_URL to its https:// address`,
    };
  }
  const token = providerSpec(platform, credentials?.baseUrl).endpoints.token;
  const answer = await reach(token, options.requestTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS - 1000, options.fetch ?? globalThis.fetch);
  if ('error' in answer) {
    return {
      status: 'fail',
      detail: `${token} cannot be reached: ${answer.error}`,
      fix: `check DNS, the firewall and any outgoing proxy${credentials?.baseUrl ? `, and ${names.base}` : ''}; linking accounts needs this endpoint`,
    };
  }
  if (answer.status >= 500) {
    return { status: 'warn', detail: `${token} answers HTTP ${answer.status}`, fix: `${PROVIDER_NAMES[platform]} reports a server error: try again later, or check its status page${credentials?.baseUrl ? ` and ${names.base}` : ''}` };
  }
  return { status: 'pass', detail: `configured; ${token} answers; register the redirect URL ${redirect}` };
}

export function oauthChecks(env: Record<string, string | undefined>, config: Config | undefined, options: OAuthCheckOptions = {}): DoctorCheck[] {
  return (Object.keys(OAUTH_CLIENT_VARIABLES) as LinkPlatform[]).map((platform) => ({
    name: `OAuth: ${PROVIDER_NAMES[platform]}`,
    run: () => oauthProviderStatus(platform, env, config, options),
  }));
}
