/**
 * Whether `.dockerignore` keeps a path out of the build context, by Docker's rules: patterns are
 * relative to the context root, `*` and `?` stay within one path segment, `**` spans any number of
 * them, a pattern that matches a directory excludes everything under it, a `!` pattern takes a path
 * back in, and the last matching pattern wins.
 */

type Rule = { negated: boolean; pattern: RegExp; source: string };

function toRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char === '*' && pattern[i + 1] === '*') {
      // `**/` matches no directory too; a trailing `**` matches everything below.
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function parseDockerignore(text: string): Rule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const cleaned = (negated ? line.slice(1) : line).trim().replace(/^\.?\/+/, '').replace(/\/+$/, '');
      return { negated, pattern: toRegExp(cleaned), source: line };
    });
}

/** The rule that decides this path (relative to the context root), or undefined when none matches. */
export function decidingRule(rules: Rule[], relativePath: string): Rule | undefined {
  const segments = relativePath.replace(/^\.?\/+/, '').replace(/\/+$/, '').split('/');
  // The path itself and each of its parent directories: excluding a directory excludes what is inside.
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let decision: Rule | undefined;
  for (const rule of rules) if (candidates.some((candidate) => rule.pattern.test(candidate))) decision = rule;
  return decision;
}

export function isExcluded(rules: Rule[], relativePath: string): boolean {
  const rule = decidingRule(rules, relativePath);
  return rule !== undefined && !rule.negated;
}
