// HTTP for the benchmarks: node:http with a keep-alive Agent. It costs about 3.5x less client CPU per
// request than fetch, and on 2 shared cores that CPU is taken from the hub (docs/benchmarks.md).
import http from 'node:http';

/** Setup failures end the run with status 2, as the benchmarks document. */
function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

/** A keep-alive client: request(method, path, token, body) resolves to {status, body} with the body read. */
export function httpClient(base, sockets, timeoutMs) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, scheduling: 'fifo' });
  const request = (method, path, token, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers = { Accept: 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      if (payload) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = payload.length;
      }
      const req = http.request(
        { agent, host: base.hostname, port: base.port || 80, method, path, headers },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  return { request, close: () => agent.destroy() };
}

/** Sends a request and parses its JSON answer, failing the run unless the status is the expected one. */
export async function expectJson(client, what, method, path, token, body, expected) {
  let res;
  try {
    res = await client.request(method, path, token, body);
  } catch (e) {
    fail(`setup: ${what}: ${method} ${path} failed: ${e.message}`);
  }
  if (res.status !== expected) {
    fail(`setup: ${what}: ${method} ${path} answered ${res.status} (expected ${expected}): ${res.body.slice(0, 500)}`);
  }
  try {
    return JSON.parse(res.body);
  } catch {
    fail(`setup: ${what}: ${method} ${path} answered non-JSON: ${res.body.slice(0, 500)}`);
  }
}
