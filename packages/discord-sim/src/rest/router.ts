/** Matches a method and path against route templates like `/channels/:channelId/messages/:messageId`. */

export interface MatchedRoute<T> {
  route: T;
  template: string;
  params: Record<string, string>;
}

interface Entry<T> {
  method: string;
  template: string;
  segments: string[];
  literals: number;
  route: T;
}

export class Router<T> {
  private readonly entries: Entry<T>[] = [];

  add(method: string, template: string, route: T): void {
    const segments = template.split('/').filter(Boolean);
    this.entries.push({ method, template, segments, literals: segments.filter((s) => !s.startsWith(':')).length, route });
    // Literal segments win over parameters (`/users/@me` over `/users/:userId`).
    this.entries.sort((a, b) => b.literals - a.literals);
  }

  match(method: string, path: string): MatchedRoute<T> | undefined {
    const parts = path.split('/').filter(Boolean).map(decodeSegment);
    for (const entry of this.entries) {
      if (entry.method !== method || entry.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const segment = entry.segments[i] ?? '';
        const part = parts[i] ?? '';
        if (segment.startsWith(':')) params[segment.slice(1)] = part;
        else if (segment !== part) {
          ok = false;
          break;
        }
      }
      if (ok) return { route: entry.route, template: entry.template, params };
    }
    return undefined;
  }

  /** Whether the path exists for some other method (405 rather than 404). */
  hasPath(path: string): boolean {
    return ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].some((m) => this.match(m, path) !== undefined);
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Compiles a fault's route pattern. `:name`, `{name}` and `*` match one segment; a pattern matches either the
 * concrete path or the route template.
 */
export function routePattern(pattern: string): (path: string, template: string) => boolean {
  const parts = pattern.split('/').filter(Boolean);
  const test = (candidate: string): boolean => {
    const segments = candidate.split('/').filter(Boolean);
    if (segments.length !== parts.length) return false;
    return parts.every((p, i) => p === '*' || p.startsWith(':') || (p.startsWith('{') && p.endsWith('}')) || p === segments[i] || decodeSegment(segments[i] ?? '') === p);
  };
  return (path, template) => test(path) || test(template);
}
