// The hub's REST API, with the signed-in credential in the Authorization header (never in a URL). The
// credential lives in sessionStorage: it is gone when the tab closes or on sign-out.

const KEY = 'aihub.credential';

export const session = {
  get token() { return sessionStorage.getItem(KEY); },
  set token(value) { sessionStorage.setItem(KEY, value); },
  forget() { sessionStorage.removeItem(KEY); },
  /** Called when the hub refuses the credential (revoked, expired): the app signs out. */
  onRefused: () => {},
};

/** A refusal of the hub: its status and its message. */
export class HubError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function call(method, path, body, headers = {}) {
  if (!session.token) throw new HubError(401, 'signed out'); // a view's late refresh after sign-out
  const sent = { Accept: 'application/json', Authorization: `Bearer ${session.token}`, ...headers };
  if (body !== undefined) sent['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!response.ok) {
    const error = new HubError(response.status, parsed?.message ?? `${method} ${path} answered ${response.status}`);
    if (response.status === 401) session.onRefused(error);
    throw error;
  }
  return parsed;
}

export const get = (path) => call('GET', path);
export const post = (path, body, headers) => call('POST', path, body, headers);

/** Who a credential is: an API key names its account (a JWT whose `sub` is the address); else admin. */
export async function whoAmI() {
  const parts = session.token.split('.');
  if (parts.length === 3) {
    let claims = null;
    try {
      claims = JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')));
    } catch { /* not a JWT: perhaps the admin token */ }
    if (/^0x[0-9a-fA-F]{40}$/.test(claims?.sub ?? '')) {
      const { agents } = await get('/api/v1/account/agents'); // checks the key, and tells a builder
      return { kind: 'account', address: claims.sub.toLowerCase(), agents };
    }
  }
  await get('/api/v1/admin/accounts'); // 401 unless it is the admin token
  return { kind: 'admin' };
}

export const enc = encodeURIComponent;
