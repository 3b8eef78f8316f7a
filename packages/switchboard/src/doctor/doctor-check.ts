/** One readiness check of `switchboard doctor`: its verdict, what it saw, and what to do when it fails. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export type CheckResult = { status: CheckStatus; detail: string; fix?: string };

/** `timeoutMs`: how long the check may take before it counts as failed (default DEFAULT_CHECK_TIMEOUT_MS). */
export type DoctorCheck = { name: string; timeoutMs?: number; run(): Promise<CheckResult> };

/** Long enough for a slow network answer, short enough that doctor never seems to hang. */
export const DEFAULT_CHECK_TIMEOUT_MS = 5000;

/** For checks that may first wait out the database connection's own 5-second timeout. */
export const DATABASE_CHECK_TIMEOUT_MS = 10_000;

/** The check's result, or a failure when it throws or outlasts its timeout (whatever it waits on is left behind). */
async function runOne(check: DoctorCheck): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'fail', detail: `no answer within ${timeoutMs / 1000} s`, fix: 'whatever this check waits for is not answering: see the checks above, the network and the firewall' }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([check.run(), timedOut]);
  } catch (error) {
    return { status: 'fail', detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export async function runChecks(checks: DoctorCheck[]): Promise<Array<CheckResult & { name: string }>> {
  const results: Array<CheckResult & { name: string }> = [];
  for (const check of checks) results.push({ name: check.name, ...(await runOne(check)) });
  return results;
}

const MARK: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/** A table a person reads top to bottom, then the fixes for what did not pass. */
export function formatResults(results: Array<CheckResult & { name: string }>): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const rows = results.map((r) => `${MARK[r.status]}  ${r.name.padEnd(width)}  ${r.detail}`);
  const fixes = results.filter((r) => r.fix && r.status !== 'pass').map((r) => `  - ${r.name}: ${r.fix}`);
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  const verdict =
    failed > 0 ? `${failed} check(s) failed, ${warned} warning(s).` : warned > 0 ? `Ready, with ${warned} warning(s).` : 'Ready: every check passed.';
  return `${rows.join('\n')}\n${fixes.length > 0 ? `\nWhat to do:\n${fixes.join('\n')}\n` : ''}\n${verdict}\n`;
}
