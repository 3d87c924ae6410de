// Shared setup for the SDK conformance tests: where the hub is, how to make accounts and agents on it
// (raw REST on the hub's own admin/agent API), and how to get a real @nevermined-io/payments client for a key.
//
// The SDK's `custom` environment reads NVM_BACKEND_URL / NVM_WSBACKEND_URL / NVM_PROXY_URL when its module
// is first evaluated, so those variables are set here before the SDK is imported dynamically (loadSdk()).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

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

/**
 * Closes any socket an SDK client opened (harmless when none was).
 *
 * The SDK (0.8.4 nvm-backend.js `_connectInternalSocketClient`) starts an unawaited poller whenever it opens a
 * socket: it checks `isWebSocketConnected()` right away and then every 500 ms, up to 10 times, and throws
 * "Unable to connect to the websocket server" (an unhandled rejection) if it never saw the socket connected.
 * A socket closed less than ~500 ms after it was opened would trip it 5 s later, inside a later test. So once
 * the socket is closed, this instance's remaining poller checks are answered "connected" and the poller ends.
 */
export function closeSdk(...clients) {
  for (const client of clients) {
    const query = client?.query;
    try {
      const socket = query?.socketClient;
      query?.disconnect();
      // disconnect() only acts on a connected socket: also drop one still connecting, so node can exit.
      socket?.close();
      if (socket) query.isWebSocketConnected = () => true;
    } catch {
      // ignore
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Realtime helpers: REST shortcuts for the task flow, an event recorder with promise-based waits, and raw
// socket.io-client sockets on the hub.
// ---------------------------------------------------------------------------------------------------------

/** Subscriber: the service access token (R1) for this agent, as the SDK's getServiceAccessConfig gets it. */
export async function accessTokenFor(apiKey, did) {
  const res = await hubRequest('GET', `/api/v1/payments/service/token/${encodeURIComponent(did)}`, { token: apiKey });
  assert.equal(res.status, 200, `service token: ${describe(res)}`);
  assert.equal(typeof res.body?.token?.accessToken, 'string', 'service token body');
  return res.body.token.accessToken;
}

/** Subscriber: creates a task on the agent over raw REST (R2, access-token flow). Returns {task, steps}. */
export async function createTaskRest(apiKey, did, body = { query: 'a query' }) {
  const token = await accessTokenFor(apiKey, did);
  const res = await hubRequest('POST', `/api/v1/agents/${encodeURIComponent(did)}/tasks`, { token, body });
  assert.equal(res.status, 201, `create task: ${describe(res)}`);
  return res.body;
}

/** Builder: creates steps (R4) over raw REST. Returns the response body. */
export async function createStepsRest(apiKey, did, taskId, steps) {
  const res = await hubRequest('POST', `/api/v1/agents/${encodeURIComponent(did)}/tasks/${taskId}/steps`,
    { token: apiKey, body: { steps } });
  assert.equal(res.status, 201, `create steps: ${describe(res)}`);
  return res.body;
}

/** Builder: updates a step (R5) over raw REST. Returns the stored step. */
export async function updateStepRest(apiKey, did, taskId, stepId, body) {
  const res = await hubRequest('PUT', `/api/v1/agents/${encodeURIComponent(did)}/tasks/${taskId}/step/${stepId}`,
    { token: apiKey, body });
  assert.equal(res.status, 201, `update step: ${describe(res)}`);
  return res.body;
}

/** Subscriber: the task with its steps and logs (R3) over raw REST. */
export async function getTaskRest(apiKey, did, taskId) {
  const token = await accessTokenFor(apiKey, did);
  const res = await hubRequest('GET', `/api/v1/agents/${encodeURIComponent(did)}/tasks/${taskId}`, { token });
  assert.equal(res.status, 200, `get task: ${describe(res)}`);
  return res.body;
}

/** Resolves after ms milliseconds. Only for asserting the ABSENCE of an event after a positive signal. */
export const quiet = (ms = 400) => new Promise((resolve) => setTimeout(resolve, ms));

/** A new step id the way the SDKs make them. */
export const newStepId = () => `step-${crypto.randomUUID()}`;

function parseOne(args) {
  if (args.length !== 1 || typeof args[0] !== 'string') return { ok: false, data: undefined };
  try {
    return { ok: true, data: JSON.parse(args[0]) };
  } catch {
    return { ok: false, data: undefined };
  }
}

/**
 * Records named events in arrival order and lets a test wait for them.
 *
 * Every entry is {seq, name, args, data, wellFormed}: `data` is the parsed single JSON-string argument,
 * `wellFormed` says whether the event had exactly one argument that is a JSON string (what both SDKs require).
 * waitFor() consumes the first unconsumed entry that matches, already received or yet to come, so a test can
 * wait for the same kind of event several times in a row without racing the network.
 */
export class EventLog {
  constructor(label = 'events') {
    this.label = label;
    this.entries = [];
    this.waiters = [];
    this.seq = 0;
  }

  push(name, args) {
    const { ok, data } = parseOne(args);
    const entry = { seq: this.seq++, name, args, data, wellFormed: ok, consumed: false };
    this.entries.push(entry);
    for (const waiter of [...this.waiters]) {
      if (!entry.consumed && waiter.matches(entry)) {
        entry.consumed = true;
        waiter.resolve(entry);
      }
    }
  }

  /**
   * Waits for the next unconsumed `name` event (or any of several names, given an array) whose parsed payload
   * satisfies `predicate`; resolves its entry. Rejects after timeoutMs, listing what was received.
   */
  waitForEntry(name, predicate = () => true, timeoutMs = 5000) {
    const names = Array.isArray(name) ? name : [name];
    const matches = (entry) => names.includes(entry.name) && entry.wellFormed && predicate(entry.data);
    const found = this.entries.find((entry) => !entry.consumed && matches(entry));
    if (found) {
      found.consumed = true;
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        matches,
        resolve: (entry) => {
          clearTimeout(waiter.timer);
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          resolve(entry);
        },
      };
      waiter.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`${this.label}: no matching '${names.join("' or '")}' within ${timeoutMs} ms; received: ${this.describe()}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Like waitForEntry, resolving the parsed payload. */
  async waitFor(name, predicate, timeoutMs) {
    return (await this.waitForEntry(name, predicate, timeoutMs)).data;
  }

  /** All received `name` entries (consumed or not) whose payload satisfies `predicate`. */
  all(name, predicate = () => true) {
    return this.entries.filter((entry) => entry.name === name && predicate(entry.data));
  }

  /** Parsed payloads of all received `name` events matching `predicate`. */
  payloads(name, predicate) {
    return this.all(name, predicate).map((entry) => entry.data);
  }

  /** Events that did not carry exactly one JSON-string argument. */
  malformed() {
    return this.entries.filter((entry) => !entry.wellFormed);
  }

  describe() {
    const shown = this.entries.map((e) => `${e.name}(${e.args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ').slice(0, 160)})`);
    return shown.length ? shown.join(' | ') : '(nothing)';
  }
}

const openSockets = new Set();
/** Every EventLog a raw socket opened in this process recorded (for whole-file wire-format checks). */
export const socketLogs = [];

/**
 * Opens a raw socket.io-client socket on the hub, websocket transport only, no reconnection, its own manager.
 *   token: the API key (sent as CONNECT auth {token: `Bearer ${token}`} unless `bearer: false`)
 *   auth / extraHeaders / any other socket.io-client option override the defaults.
 * Returns {socket, log}: log records every server event plus the pseudo-events `$connect`,
 * `$connect_error` (args [message]) and `$disconnect` (args [reason]).
 */
export async function openSocket({ token, bearer = true, label, ...options } = {}) {
  const { io } = await import('socket.io-client');
  const socketOptions = {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 5000,
    ...(token !== undefined && { auth: { token: bearer ? `Bearer ${token}` : token } }),
    ...options,
  };
  const socket = io(HUB_URL, socketOptions);
  const log = new EventLog(label ?? 'socket');
  socket.onAny((name, ...args) => log.push(name, args));
  socket.on('connect', () => log.push('$connect', [JSON.stringify({ id: socket.id })]));
  socket.on('connect_error', (err) => log.push('$connect_error', [JSON.stringify({ message: err?.message })]));
  socket.on('disconnect', (reason) => log.push('$disconnect', [JSON.stringify({ reason })]));
  openSockets.add(socket);
  socketLogs.push(log);
  return { socket, log };
}

/**
 * Opens an authenticated socket for this API key and waits for `_connected`.
 * Returns {socket, log, connected} where connected is the parsed `_connected` payload.
 */
export async function connectAs(apiKey, options = {}) {
  const opened = await openSocket({ token: apiKey, ...options });
  const connected = await opened.log.waitFor('_connected', undefined, 5000);
  return { ...opened, connected };
}

/** Closes one raw socket, or every raw socket opened so far. */
export function closeSockets(...sockets) {
  const targets = sockets.length ? sockets : [...openSockets];
  for (const socket of targets) {
    try {
      socket?.close();
    } catch {
      // ignore
    }
    openSockets.delete(socket);
  }
}

/** Emits an inbound event the way the SDKs do: one JSON-string argument (or the object as is, `asObject`). */
export function send(socket, event, payload, { asObject = false } = {}) {
  socket.emit(event, asObject || typeof payload === 'string' ? payload : JSON.stringify(payload));
}
