#!/usr/bin/env node
// Idle-socket benchmark of AI Hub: how many authenticated Socket.IO connections one hub holds, and what
// they cost it in memory. Node 20+, needs `npm ci` in bench/ (socket.io-client 4.7.5).
//
//   node bench/idle-sockets.mjs --url http://127.0.0.1:3001 --admin-token <HUB_ADMIN_TOKEN> \
//        [--sockets 10000] [--accounts 100] [--batch 200] [--hold-s 60] [--connect-timeout-ms 20000]
//        [--join none|account] [--hub-pid PID] [--socket-url URL] [--give-up-batches 2] [--jcmd PATH]
//        [--deflate on|off]
//
// Every flag can also come from the environment: HUB_URL, HUB_ADMIN_TOKEN, IDLE_SOCKETS, IDLE_ACCOUNTS,
// IDLE_BATCH, IDLE_HOLD_S, IDLE_CONNECT_TIMEOUT_MS, IDLE_JOIN, BENCH_HUB_PID (a flag wins).
//
// Setup: `accounts` accounts created with the admin API (default 100); socket i authenticates with the
// API key of account i % accounts (so 100 sockets per key by default), websocket transport only,
// CONNECT auth {"token": "Bearer <key>"}, no reconnection. Sockets are opened `batch` at a time; a batch
// is done when every socket in it has received the hub's `_connected` (or failed: connect_error, a
// disconnect, or no `_connected` within --connect-timeout-ms). With --join account each socket also
// joins its account's room (`_join-rooms` {"joinAccountRoom":true}) and waits for `_join-rooms_`;
// by default nothing is joined: the sockets are authenticated and idle.
//
// When --give-up-batches batches in a row (default 2) connect no socket at all, no more are opened: the
// run is reported with what did connect (bounded time when the hub stops accepting sockets).
// --socket-url sends the sockets somewhere else than --url (which serves the admin API), e.g. to
// another hub node on the same database.
//
// --deflate off makes the client not offer the WebSocket permessage-deflate extension (socket.io-client
// offers it by default; the hub declines it, as zlib state would cost ~120 KiB per socket).
//
// Then all sockets are held idle for --hold-s seconds (Engine.IO pings keep running: the hub pings every
// socket, the client answers), counted again, and closed. With --hub-pid the hub's VmRSS / VmHWM /
// thread and file-descriptor counts are read from /proc at each stage: before, after every 10th batch,
// when all are connected, at the end of the hold, and 5 s after closing; with --jcmd (the JDK's jcmd) also
// the JVM heap's committed and used size (`jcmd PID GC.heap_info`: reads, does not collect).
//
// Output: a human-readable summary, then one line `IDLE_JSON {...}`.
// Exit status: 0 every socket connected and stayed connected through the hold; 1 otherwise; 2 setup.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { hubTarget } from './lib/target.mjs';

const USAGE = `usage: node bench/idle-sockets.mjs --url URL --admin-token TOKEN [--sockets K] [--accounts A]
       [--batch B] [--hold-s S] [--connect-timeout-ms MS] [--join none|account] [--hub-pid PID]
       [--socket-url URL] [--give-up-batches N] [--jcmd PATH] [--deflate on|off]`;

function fail(message, code = 2) {
  console.error(`idle-sockets: ${message}`);
  process.exit(code);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        url: { type: 'string' },
        'socket-url': { type: 'string' },
        'admin-token': { type: 'string' },
        sockets: { type: 'string' },
        accounts: { type: 'string' },
        batch: { type: 'string' },
        'hold-s': { type: 'string' },
        'connect-timeout-ms': { type: 'string' },
        join: { type: 'string' },
        'hub-pid': { type: 'string' },
        'give-up-batches': { type: 'string' },
        jcmd: { type: 'string' },
        deflate: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    fail(`${e.message}\n${USAGE}`);
  }
  if (parsed.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const env = process.env;
  const int = (name, flag, envName, fallback, min, max) => {
    const raw = flag ?? env[envName];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) fail(`--${name} must be an integer in [${min}, ${max}], got '${raw}'`);
    return value;
  };
  const { url, adminToken, base } = hubTarget(parsed, env, USAGE, fail);
  const socketUrl = (parsed['socket-url'] ?? env.IDLE_SOCKET_URL ?? url).replace(/\/+$/, '');
  let socketBase;
  try {
    socketBase = new URL(socketUrl);
  } catch {
    fail(`--socket-url is not a URL: ${socketUrl}`);
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(socketBase.hostname)) {
    fail(`--socket-url must point at this machine (127.0.0.1), got ${socketBase.hostname}`);
  }
  const deflate = parsed.deflate ?? env.BENCH_DEFLATE ?? 'on';
  if (deflate !== 'on' && deflate !== 'off') fail(`--deflate must be on or off, got '${deflate}'`);
  const join = parsed.join ?? env.IDLE_JOIN ?? 'none';
  if (join !== 'none' && join !== 'account') fail(`--join must be none or account, got '${join}'`);
  const sockets = int('sockets', parsed.sockets, 'IDLE_SOCKETS', 10000, 1, 50000);
  return {
    url,
    socketUrl,
    base,
    adminToken,
    sockets,
    accounts: Math.min(sockets, int('accounts', parsed.accounts, 'IDLE_ACCOUNTS', 100, 1, 10000)),
    batch: int('batch', parsed.batch, 'IDLE_BATCH', 200, 1, 5000),
    holdS: int('hold-s', parsed['hold-s'], 'IDLE_HOLD_S', 60, 0, 3600),
    connectTimeoutMs: int('connect-timeout-ms', parsed['connect-timeout-ms'], 'IDLE_CONNECT_TIMEOUT_MS', 20000, 100, 600000),
    join,
    deflate,
    jcmd: parsed.jcmd ?? env.IDLE_JCMD ?? '',
    giveUpBatches: int('give-up-batches', parsed['give-up-batches'], 'IDLE_GIVE_UP_BATCHES', 2, 1, 1000),
    hubPid: int('hub-pid', parsed['hub-pid'], 'BENCH_HUB_PID', undefined, 1, 1 << 30),
  };
}

function post(base, path, token, body) {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request({
      host: base.hostname, port: base.port || 80, method: 'POST', path,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': payload.length },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(30000, () => req.destroy(new Error('timeout after 30000 ms')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** VmRSS, VmHWM (MiB), threads and open descriptors of a process, from /proc. */
function hubMemory(pid) {
  if (!pid) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number((status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm')) ?? [])[1]);
    const threads = Number((status.match(/^Threads:\s+(\d+)/m) ?? [])[1]);
    let fds;
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      fds = undefined;
    }
    const mib = (x) => Math.round((x / 1024) * 10) / 10;
    return { rss_mib: mib(kb('VmRSS')), hwm_mib: mib(kb('VmHWM')), threads, fds };
  } catch (e) {
    return { error: e.message };
  }
}

/** The JVM's heap (MiB) from `jcmd PID GC.heap_info`, which reads it without collecting. */
function jvmHeap(jcmd, pid) {
  if (!jcmd || !pid) return undefined;
  try {
    const text = execFileSync(jcmd, [String(pid), 'GC.heap_info'], { encoding: 'utf8', timeout: 15000 });
    const mib = (k) => Math.round((k / 1024) * 10) / 10;
    // G1: "garbage-first heap   total reserved ..K, committed ..K, used ..K"; SerialGC and ParallelGC list
    // each generation as "<name> total ..K, used ..K" (their sum is the heap; Metaspace is not heap).
    const g1 = text.match(/committed (\d+)K, used (\d+)K/);
    if (g1) return { heap_committed_mib: mib(Number(g1[1])), heap_used_mib: mib(Number(g1[2])) };
    const generations = [...text.matchAll(/^\s*(?!Metaspace|class space)\S[^\n]*?total (\d+)K, used (\d+)K/gm)];
    if (!generations.length) return { error: text.slice(0, 200) };
    const sum = (i) => generations.reduce((total, g) => total + Number(g[i]), 0);
    return { heap_committed_mib: mib(sum(1)), heap_used_mib: mib(sum(2)) };
  } catch (e) {
    return { error: String(e.message).slice(0, 200) };
  }
}

function openFilesLimit() {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    return line ? line.split(/\s{2,}/)[1] : '?';
  } catch {
    return '?';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const opts = options();
  const stamp = Date.now().toString(36);
  const keys = [];
  for (let a = 0; a < opts.accounts; a++) {
    let res;
    try {
      res = await post(opts.base, '/api/v1/admin/accounts', opts.adminToken, { name: `idle-${stamp}-${a}` });
    } catch (e) {
      fail(`setup: account ${a}: ${e.message}`);
    }
    if (res.status !== 201) fail(`setup: account ${a}: ${res.status} ${res.body.slice(0, 300)}`);
    keys.push(JSON.parse(res.body).api_key);
  }

  const stages = [];
  const stage = (name, extra = {}) => {
    const s = { stage: name, at_s: Math.round(performance.now() / 10) / 100, hub: hubMemory(opts.hubPid), ...extra };
    const heap = jvmHeap(opts.jcmd, opts.hubPid);
    if (heap && s.hub) Object.assign(s.hub, heap);
    stages.push(s);
    const h = s.hub;
    console.log(`idle-sockets: ${name.padEnd(22)} ${Object.entries(extra).map(([k, v]) => `${k}=${v}`).join(' ')}`
      + (h && !h.error ? `  hub VmRSS ${h.rss_mib} MiB (VmHWM ${h.hwm_mib}), ${h.threads} threads, ${h.fds} fds` : '')
      + (h?.heap_used_mib !== undefined ? `, heap used ${h.heap_used_mib} of ${h.heap_committed_mib} MiB committed` : ''));
    return s;
  };

  console.log(`idle-sockets: ${opts.url}${opts.socketUrl !== opts.url ? ` (sockets to ${opts.socketUrl})` : ''} sockets=${opts.sockets} accounts=${opts.accounts} `
    + `(${Math.ceil(opts.sockets / opts.accounts)} sockets per key at most) batch=${opts.batch} hold=${opts.holdS}s join=${opts.join} deflate=${opts.deflate} `
    + `node=${process.version} open-files limit ${openFilesLimit()}`);
  stage('before');

  const sockets = new Array(opts.sockets);
  let connected = 0;
  let dropped = 0;
  let holding = false;
  const failures = { count: 0, byReason: {}, samples: [] };
  const failure = (i, reason) => {
    failures.count++;
    const key = reason.replace(/\d+/g, 'N').slice(0, 80);
    failures.byReason[key] = (failures.byReason[key] ?? 0) + 1;
    if (failures.samples.length < 10) failures.samples.push(`socket ${i}: ${reason}`);
  };
  const connectMs = [];

  const open = (i) => new Promise((resolve) => {
    const t0 = performance.now();
    const socket = io(opts.socketUrl, {
      transports: ['websocket'],
      auth: { token: `Bearer ${keys[i % keys.length]}` },
      reconnection: false,
      forceNew: true,
      timeout: opts.connectTimeoutMs,
      ...(opts.deflate === 'off' ? { perMessageDeflate: false } : {}),
    });
    sockets[i] = socket;
    let settled = false;
    const settle = (ok, reason) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (ok) {
        connected++;
        connectMs.push(performance.now() - t0);
      } else {
        failure(i, reason);
        socket.closedByUs = true;
        socket.close();
      }
      resolve(ok);
    };
    const timer = setTimeout(() => settle(false, `no _connected within ${opts.connectTimeoutMs} ms`), opts.connectTimeoutMs);
    socket.once('_connected', () => {
      if (opts.join === 'none') {
        settle(true);
        return;
      }
      socket.once('_join-rooms_', () => settle(true));
      socket.emit('_join-rooms', JSON.stringify({ joinAccountRoom: true }));
    });
    socket.once('error', (arg) => settle(false, `error event ${String(arg).slice(0, 200)}`));
    socket.once('connect_error', (e) => settle(false, `connect_error ${e.message}`));
    socket.on('disconnect', (reason) => {
      if (!settled) settle(false, `disconnected before _connected: ${reason}`);
      else if (holding || !socket.closedByUs) {
        dropped++;
        connected--;
        socket.droppedReason = reason;
        failure(i, `disconnected after _connected: ${reason}`);
      }
    });
  });

  const rampStart = performance.now();
  let attempted = 0;
  let barren = 0; // consecutive batches in which no socket connected
  let gaveUp = null;
  for (let start = 0, b = 0; start < opts.sockets; start += opts.batch, b++) {
    const end = Math.min(opts.sockets, start + opts.batch);
    const batch = [];
    for (let i = start; i < end; i++) batch.push(open(i));
    const outcomes = await Promise.all(batch);
    attempted = end;
    barren = outcomes.some(Boolean) ? 0 : barren + 1;
    if (barren >= opts.giveUpBatches) {
      gaveUp = `stopped opening after ${end} sockets: ${barren} batches in a row connected none`;
      console.log(`idle-sockets: ${gaveUp}`);
      break;
    }
    if ((b + 1) % 10 === 0 && end < opts.sockets) stage(`after ${end}`, { connected });
  }
  const rampS = (performance.now() - rampStart) / 1000;
  const sortedConnect = Float64Array.from(connectMs).sort();
  const pct = (p) => (sortedConnect.length ? Math.round(sortedConnect[Math.min(sortedConnect.length - 1,
    Math.ceil((p / 100) * sortedConnect.length) - 1)] * 10) / 10 : NaN);
  const all = stage('all opened', { connected, failed: failures.count, ramp_s: Math.round(rampS * 10) / 10 });

  holding = true;
  const holdStart = performance.now();
  const endHold = holdStart + opts.holdS * 1000;
  while (performance.now() < endHold) {
    await sleep(Math.min(10000, Math.max(0, endHold - performance.now())));
    if (performance.now() < endHold - 1000) stage(`holding ${Math.round((performance.now() - holdStart) / 1000)} s`, { connected });
  }
  const stillConnected = sockets.filter((s) => s && s.connected).length;
  const held = stage('end of hold', { connected: stillConnected, dropped });
  holding = false;

  for (const s of sockets) {
    if (!s) continue;
    s.closedByUs = true;
    s.close();
  }
  await sleep(5000);
  const after = stage('5 s after closing');

  const result = {
    bench: 'aihub-idle-sockets',
    at: new Date().toISOString(),
    url: opts.url,
    socket_url: opts.socketUrl,
    node: process.version,
    sockets: opts.sockets,
    accounts: opts.accounts,
    batch: opts.batch,
    join: opts.join,
    deflate: opts.deflate,
    hold_s: opts.holdS,
    connected: all.connected ?? connected,
    connected_at_end_of_hold: stillConnected,
    dropped_during_hold: dropped,
    attempted,
    gave_up: gaveUp,
    failed: failures.count,
    failures_by_reason: failures.byReason,
    failure_samples: failures.samples,
    ramp_s: Math.round(rampS * 100) / 100,
    connect_ms: { p50: pct(50), p99: pct(99), max: pct(100) },
    hub: { before: stages[0].hub, connected: all.hub, end_of_hold: held.hub, after_close: after.hub },
    stages,
    ok: failures.count === 0 && stillConnected === opts.sockets,
  };
  const h = result.hub;
  if (h.before?.rss_mib !== undefined && h.end_of_hold?.rss_mib !== undefined) {
    result.hub.rss_delta_mib = Math.round((h.end_of_hold.rss_mib - h.before.rss_mib) * 10) / 10;
    result.hub.rss_per_socket_kib = stillConnected > 0
      ? Math.round(((h.end_of_hold.rss_mib - h.before.rss_mib) * 1024 / stillConnected) * 10) / 10 : null;
  }
  console.log('');
  console.log(`idle-sockets: ${result.connected}/${opts.sockets} connected (${attempted} attempted) in ${result.ramp_s} s `
    + `(connect p50 ${result.connect_ms.p50} ms, p99 ${result.connect_ms.p99} ms, max ${result.connect_ms.max} ms); `
    + `${stillConnected} still connected after ${opts.holdS} s idle; ${failures.count} failures`);
  if (h.before?.rss_mib !== undefined) {
    console.log(`idle-sockets: hub VmRSS before ${h.before.rss_mib} MiB, all connected ${h.connected?.rss_mib} MiB, `
      + `end of hold ${h.end_of_hold?.rss_mib} MiB, 5 s after closing ${h.after_close?.rss_mib} MiB `
      + `(delta ${result.hub.rss_delta_mib} MiB, ${result.hub.rss_per_socket_kib} KiB per socket)`);
  }
  if (!result.ok) {
    console.error(`\n!!! ${failures.count} sockets failed or dropped (by reason: ${JSON.stringify(failures.byReason)})`);
    for (const s of failures.samples) console.error(`!!!   ${s}`);
  }
  console.log(`IDLE_JSON ${JSON.stringify(result)}`);
  process.exitCode = result.ok ? 0 : 1;
  setTimeout(() => process.exit(process.exitCode), 500).unref();
}

main().catch((e) => fail(`unexpected failure: ${e?.stack ?? e}`));
