// Shared setup for the SDK conformance tests: where the hub is, how to make accounts and agents on it
// (raw REST on the hub's own admin/agent API), and how to get a real @nevermined-io/payments client for a key.
//
// The SDK's `custom` environment reads NVM_BACKEND_URL / NVM_WSBACKEND_URL / NVM_PROXY_URL when its module
// is first evaluated, so those variables are set here before the SDK is imported dynamically (loadSdk()).
import assert from 'node:assert/strict';

const RAW_HUB_URL = process.env.HUB_URL;
const ADMIN_TOKEN = process.env.HUB_ADMIN_TOKEN;

if (!RAW_HUB_URL || !ADMIN_TOKEN) {
  // Fail loudly instead of skipping: a run without a target must never look green.
  throw new Error('HUB_URL and HUB_ADMIN_TOKEN must be set (e.g. HUB_URL=http://localhost:3911)');
}

/** The hub's origin, e.g. http://localhost:3911 (the SDK keeps only origins anyway). */
export const HUB_URL = new URL(RAW_HUB_URL).origin;
/** The hub's Socket.IO origin: the same host and port with ws(s)://. */
export const HUB_WS_URL = HUB_URL.replace(/^http/, 'ws');
export const HUB_ADMIN_TOKEN = ADMIN_TOKEN;

let sdkModule;

/** Imports @nevermined-io/payments once, after pointing its `custom` environment at the hub. */
export async function loadSdk() {
  if (!sdkModule) {
    process.env.NVM_BACKEND_URL = HUB_URL;
    process.env.NVM_WSBACKEND_URL = HUB_WS_URL;
    process.env.NVM_PROXY_URL = HUB_URL;
    sdkModule = await import('@nevermined-io/payments');
    const custom = sdkModule.Environments.custom;
    assert.equal(custom.backend, HUB_URL, 'the SDK custom environment must point at the hub');
    assert.equal(custom.websocketBackend, HUB_WS_URL);
    assert.equal(custom.proxy, HUB_URL);
  }
  return sdkModule;
}

/** A fresh SDK client authenticated with this API key, on the hub (environment `custom`). */
export async function sdkFor(apiKey) {
  const { Payments } = await loadSdk();
  return Payments.getInstance({ nvmApiKey: apiKey, environment: 'custom' });
}

/** A short unique suffix for names, so runs against a shared database never collide. */
export function unique(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Calls the hub directly (setup, admin, and assertions the SDK cannot express).
 * Returns { status, body } where body is the parsed JSON (or the raw text when it is not JSON).
 */
export async function hubRequest(method, path, { token, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(new URL(path, HUB_URL), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = text.length ? JSON.parse(text) : null;
  } catch {
    // keep the text
  }
  return { status: response.status, body: parsed };
}

function describe(res) {
  return `HTTP ${res.status}: ${typeof res.body === 'string' ? res.body : JSON.stringify(res.body)}`;
}

/** Admin: creates an account, returning {address, name, api_key, key_id, createdAt}. */
export async function createAccount(name = unique('account')) {
  const res = await hubRequest('POST', '/api/v1/admin/accounts', { token: HUB_ADMIN_TOKEN, body: { name } });
  assert.equal(res.status, 201, `create account: ${describe(res)}`);
  assert.match(res.body.address, /^0x[0-9a-f]{40}$/, 'account address');
  assert.equal(typeof res.body.api_key, 'string');
  assert.equal(typeof res.body.key_id, 'string');
  return res.body;
}

/** Admin: revokes an API key by id. */
export async function revokeKey(keyId) {
  const res = await hubRequest('DELETE', `/api/v1/admin/keys/${encodeURIComponent(keyId)}`, { token: HUB_ADMIN_TOKEN });
  assert.ok(res.status >= 200 && res.status < 300, `revoke key ${keyId}: ${describe(res)}`);
  return res.body;
}

/** Builder: registers an agent, returning {did, owner, name, description, createdAt}. */
export async function registerAgent(apiKey, name = unique('agent'), description = 'SDK conformance test agent') {
  const res = await hubRequest('POST', '/api/v1/agents', { token: apiKey, body: { name, description } });
  assert.equal(res.status, 201, `register agent: ${describe(res)}`);
  assert.match(res.body.did, /^did:nv:[0-9a-f]{64}$/, 'agent DID');
  return res.body;
}

/** A builder account with one registered agent and an SDK client: {account, agent, did, payments}. */
export async function newBuilder(label = 'builder') {
  const account = await createAccount(unique(label));
  const agent = await registerAgent(account.api_key, unique(`${label}-agent`));
  assert.equal(agent.owner.toLowerCase(), account.address.toLowerCase(), 'agent owner is the builder');
  return { account, agent, did: agent.did, payments: await sdkFor(account.api_key) };
}

/** A subscriber account (no agent) and an SDK client: {account, payments}. */
export async function newSubscriber(label = 'subscriber') {
  const account = await createAccount(unique(label));
  return { account, payments: await sdkFor(account.api_key) };
}

/** Asserts an SDK (axios-shaped) result has this HTTP status, printing the body when it does not. */
export function expectStatus(result, status, what = 'request') {
  assert.ok(result && typeof result.status === 'number', `${what}: no HTTP result`);
  assert.equal(result.status, status, `${what}: expected ${status}, got ${describe({ status: result.status, body: result.data })}`);
  return result.data;
}

/** Asserts an SDK result is a JSON error in the hub's shape with one of these statuses. */
export function expectError(result, statuses, what = 'request') {
  const allowed = Array.isArray(statuses) ? statuses : [statuses];
  assert.ok(result && typeof result.status === 'number', `${what}: no HTTP result`);
  assert.ok(allowed.includes(result.status),
    `${what}: expected one of ${allowed.join('/')}, got ${describe({ status: result.status, body: result.data })}`);
  assert.equal(typeof result.data, 'object', `${what}: error body must be JSON`);
  assert.equal(result.data.statusCode, result.status, `${what}: error body statusCode`);
  assert.equal(typeof result.data.message, 'string', `${what}: error body message`);
  return result.data;
}

/** Closes any socket an SDK client opened (harmless when none was). */
export function closeSdk(...clients) {
  for (const client of clients) {
    try {
      client?.query?.disconnect();
    } catch {
      // ignore
    }
  }
}
