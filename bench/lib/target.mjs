// The hub a benchmark drives, read alike by every benchmark: --url (or HUB_URL) and --admin-token (or
// HUB_ADMIN_TOKEN).

/**
 * Returns {url, adminToken, base} (base: the URL parsed); calls fail(message) when a value is missing
 * or unusable. With localOnly (the default) the URL must name this machine.
 */
export function hubTarget(parsed, env, usage, fail, { localOnly = true } = {}) {
  const url = (parsed.url ?? env.HUB_URL ?? '').replace(/\/+$/, '');
  const adminToken = parsed['admin-token'] ?? env.HUB_ADMIN_TOKEN ?? '';
  if (!url) fail(`--url (or HUB_URL) is required\n${usage}`);
  if (!adminToken) fail(`--admin-token (or HUB_ADMIN_TOKEN) is required\n${usage}`);
  let base;
  try {
    base = new URL(url);
  } catch {
    fail(`--url is not a URL: ${url}`);
  }
  if (base.protocol !== 'http:') fail(`--url must be http:// (the benchmarks speak plain HTTP/1.1), got ${url}`);
  if (localOnly && !['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname)) {
    fail(`--url must point at this machine (127.0.0.1), got ${base.hostname}`);
  }
  return { url, adminToken, base };
}
