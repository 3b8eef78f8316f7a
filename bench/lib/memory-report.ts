/**
 * A process's memory after a full GC (when started with --expose-gc), for the `memory` scenario: the RSS,
 * and what it is made of — file-backed pages (mostly the `node` binary's code) and anonymous memory,
 * within which V8's heap in use and the memory V8 holds for objects outside it (buffers, strings kept
 * outside the heap).
 */
import { readFileSync } from 'node:fs';

export type MemoryReport = { type: 'rss'; rss: number; rssFile: number | null; rssAnon: number | null; heapUsed: number; external: number; gcRan: boolean; guilds: number };

/** `/proc/self/status`'s RssFile and RssAnon in bytes; nulls where there is no /proc (not Linux). */
function rssParts(): { rssFile: number | null; rssAnon: number | null } {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // not Linux
  }
  const bytes = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : null;
  };
  return { rssFile: bytes('RssFile'), rssAnon: bytes('RssAnon') };
}

export function memoryReport(guilds: number): MemoryReport {
  globalThis.gc?.();
  const usage = process.memoryUsage();
  return { type: 'rss', rss: usage.rss, ...rssParts(), heapUsed: usage.heapUsed, external: usage.external, gcRan: typeof globalThis.gc === 'function', guilds };
}
