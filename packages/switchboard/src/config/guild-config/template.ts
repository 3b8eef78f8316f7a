/**
 * Message templates with named placeholders: `{title} starts {startsIn}`. A template may use only the
 * placeholders its notification offers; `{{` and `}}` write literal braces. Checking returns the unknown
 * names instead of throwing, so that a validation error can list them with what is allowed.
 */

const TOKEN = /\{\{|\}\}|\{([^{}]*)\}|[{}]/g;

export type TemplateCheck = { ok: true } | { ok: false; problem: string };

/** Whether `template` uses only `allowed` placeholders and has balanced braces. */
export function checkTemplate(template: string, allowed: readonly string[]): TemplateCheck {
  const unknown = new Set<string>();
  for (const match of template.matchAll(TOKEN)) {
    const [token, name] = match;
    if (token === '{{' || token === '}}') continue;
    if (name === undefined) return { ok: false, problem: `has an unmatched "${token}" (write {{ or }} for a literal brace)` };
    if (!allowed.includes(name)) unknown.add(name);
  }
  if (unknown.size > 0) {
    const names = [...unknown].map((n) => `{${n}}`).join(', ');
    return { ok: false, problem: `uses unknown placeholder${unknown.size > 1 ? 's' : ''} ${names}; allowed: ${allowed.map((n) => `{${n}}`).join(', ')}` };
  }
  return { ok: true };
}

/** Fills the placeholders; a placeholder without a value is left as written. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(TOKEN, (token, name: string | undefined) => {
    if (token === '{{') return '{';
    if (token === '}}') return '}';
    if (name === undefined) return token;
    return Object.hasOwn(values, name) ? values[name]! : token;
  });
}
