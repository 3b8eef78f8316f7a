/**
 * The HTML of the simulator's OAuth2 pages: the sign-in page that stands in for Discord's consent screen
 * (pick a simulated user, or cancel) and the page for a request that cannot be sent back to the app.
 * Self-contained (inline styles, no scripts), every text escaped.
 */

export interface SignInChoice {
  id: string;
  name: string;
  username: string;
  guilds: string[];
}

export interface SignInPageInput {
  applicationName: string;
  scopes: string[];
  /** The original authorize parameters, posted back with the choice. */
  params: Record<string, string>;
  users: SignInChoice[];
}

const SCOPE_WORDS: Record<string, string> = {
  identify: 'Access your username, avatar, and banner',
  email: 'Access your email address',
  guilds: 'Know what servers you are in',
  'guilds.members.read': 'Read your member info in servers',
  connections: 'Access your third-party connections',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; align-items: flex-start; justify-content: center; font: 14px/1.4 system-ui, sans-serif; background: #313338; color: #dbdee1; }
main { width: min(34rem, 100% - 2rem); margin: 2rem 0; padding: 1.5rem; background: #2b2d31; border-radius: 8px; }
h1 { margin: 0 0 .25rem; font-size: 20px; color: #f2f3f5; }
p { margin: .25rem 0 .75rem; color: #b5bac1; }
ul.scopes { margin: 0 0 1rem; padding-left: 1.2rem; color: #b5bac1; }
ol.users { list-style: none; margin: 0 0 1rem; padding: 0; display: grid; gap: .5rem; }
ol.users li { display: flex; gap: .75rem; align-items: center; justify-content: space-between; padding: .5rem .75rem; background: #383a40; border-radius: 6px; }
.who { min-width: 0; } .who strong { color: #f2f3f5; } .meta { font-size: 12px; color: #949ba4; }
button { font: inherit; cursor: pointer; border-radius: 4px; padding: .35rem .75rem; border: 1px solid #5865f2; background: #5865f2; color: #fff; white-space: nowrap; }
button.cancel { background: transparent; border-color: #4e5058; color: #dbdee1; }
button:focus-visible { outline: 2px solid #00a8fc; outline-offset: 2px; }
.note { font-size: 12px; color: #949ba4; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · discord-sim</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export function signInPage(input: SignInPageInput): string {
  const hidden = Object.entries(input.params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const scopes = input.scopes.map((s) => `<li>${escapeHtml(SCOPE_WORDS[s] ?? s)}</li>`).join('');
  const users = input.users
    .map((user) => {
      const guilds = user.guilds.length > 0 ? user.guilds.map(escapeHtml).join(', ') : 'no servers';
      return `<li data-user-id="${escapeHtml(user.id)}"><span class="who"><strong>${escapeHtml(user.name)}</strong> <span class="meta">@${escapeHtml(user.username)} · ${guilds}</span></span>
<button type="submit" name="user_id" value="${escapeHtml(user.id)}">Sign in as ${escapeHtml(user.name)}</button></li>`;
    })
    .join('\n');
  return page(
    `Sign in to ${input.applicationName}`,
    `<h1>${escapeHtml(input.applicationName)} wants to access your account</h1>
<p>Simulated Discord: pick the user to sign in as. The app will be able to:</p>
<ul class="scopes">${scopes}</ul>
<form method="post" action="/oauth2/authorize">
${hidden}
<ol class="users" aria-label="Simulated users">
${users || '<li>No simulated users yet.</li>'}
</ol>
<button type="submit" class="cancel" name="action" value="cancel">Cancel</button>
</form>
<p class="note">Nothing leaves this machine: the simulator stands in for discord.com.</p>`,
  );
}

export function oauthErrorPage(message: string): string {
  return page('Invalid OAuth2 request', `<h1>Invalid OAuth2 request</h1>\n<p>${escapeHtml(message)}</p>`);
}
