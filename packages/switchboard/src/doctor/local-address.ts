/** Whether an address points at this machine, where plain http is acceptable (browsers and OAuth providers allow it). */
const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLocalUrl(url: URL): boolean {
  return LOCAL_HOSTNAMES.has(url.hostname);
}
