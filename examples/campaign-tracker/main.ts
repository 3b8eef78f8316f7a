/**
 * Runs the campaign tracker against a hub: `SWITCHBOARD_URL`, `APP_ID`, `APP_TOKEN`, `SIGNING_SECRET` and
 * `PORT` from the environment (register the app first; see docs/apps.md). Announces one session.
 */
import { CampaignTracker } from './campaign-tracker.ts';

const required = ['SWITCHBOARD_URL', 'APP_ID', 'APP_TOKEN', 'SIGNING_SECRET'] as const;
const missing = required.filter((name) => !process.env[name]);
if (missing.length > 0) {
  process.stderr.write(`Set ${missing.join(', ')} (see docs/apps.md).\n`);
  process.exit(2);
}
const tracker = new CampaignTracker({
  hubUrl: process.env.SWITCHBOARD_URL!,
  appId: process.env.APP_ID!,
  token: process.env.APP_TOKEN!,
  signingSecret: process.env.SIGNING_SECRET!,
});
const url = await tracker.start(Number(process.env.PORT ?? 4000));
process.stdout.write(`Campaign tracker listening at ${url}\n`);
const messageId = await tracker.announce('s1', process.argv[2] ?? 'Friday night session');
process.stdout.write(`Announced session s1 (message ${messageId}). Ctrl-C to stop.\n`);
process.on('SIGINT', () => void tracker.stop().then(() => process.exit(0)));
