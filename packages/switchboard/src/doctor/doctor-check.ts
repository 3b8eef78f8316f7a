/** One readiness check of `switchboard doctor`: its verdict, what it saw, and what to do when it fails. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export type CheckResult = { status: CheckStatus; detail: string; fix?: string };

export type DoctorCheck = { name: string; run(): Promise<CheckResult> };

export async function runChecks(checks: DoctorCheck[]): Promise<Array<CheckResult & { name: string }>> {
  const results: Array<CheckResult & { name: string }> = [];
  for (const check of checks) {
    try {
      results.push({ name: check.name, ...(await check.run()) });
    } catch (error) {
      results.push({ name: check.name, status: 'fail', detail: error instanceof Error ? error.message : String(error) });
    }
  }
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
