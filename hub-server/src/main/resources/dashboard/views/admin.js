import { call, enc, get, post } from '../api.js';
import { el, show, time } from '../dom.js';

const FIGURES = [
  ['requests', 'Requests served'],
  ['sockets_open', 'Open sockets'],
  ['events_delivered', 'Events delivered'],
  ['delivery_lag_mean_ms', 'Delivery lag, mean since start (ms)'],
  ['delivery_lag_max_ms', 'Delivery lag, longest lately (ms)'],
  ['outbox_backlog', 'Outbox backlog'],
];

/** The operator's view: this node's figures, the accounts, and each account's keys and agents. */
export async function accounts(main, app) {
  const alive = app.alive();
  const figures = el('dl', { class: 'figures', id: 'figures' });
  const detail = el('div', { id: 'account-detail' });
  const { accounts: list } = await get('/api/v1/admin/accounts');
  if (!alive()) return;
  const problem = el('p', { class: 'error', role: 'alert' });
  let opening = 0; // the account asked for last wins: an earlier answer that comes late draws nothing
  const act = (action) => async () => {
    problem.textContent = '';
    try { await action(); } catch (error) { problem.textContent = error.message; }
  };

  async function refreshFigures() {
    const now = await get('/api/v1/admin/figures');
    if (!alive()) return;
    show(figures, FIGURES.map(([key, label]) => el('div', {},
      el('dt', { text: label }),
      el('dd', { 'data-figure': key, text: typeof now[key] !== 'number' ? '–' : Number.isInteger(now[key]) ? now[key] : now[key].toFixed(1) }))));
  }

  async function open(account, issued) {
    const mine = ++opening;
    const [{ keys }, { agents }] = await Promise.all([
      get(`/api/v1/admin/accounts/${enc(account.address)}/keys`),
      get(`/api/v1/admin/accounts/${enc(account.address)}/agents`),
    ]);
    if (!alive() || mine !== opening) return;
    show(detail, el('section', { class: 'panel', 'data-account': account.address },
      el('h2', {}, account.name, ' ', el('code', { class: 'id', text: account.address })),
      el('h3', { text: 'Keys' }),
      el('table', { class: 'tasks' },
        el('thead', {}, el('tr', {}, ['Key', 'Created', 'Revoked', ''].map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, keys.map((key) => el('tr', { 'data-key': key.key_id },
          el('td', {}, el('code', { class: 'id', text: key.key_id })),
          el('td', {}, time(key.createdAt)),
          el('td', {}, key.revokedAt ? time(key.revokedAt) : '–'),
          el('td', {}, key.revokedAt ? null : el('button', { type: 'button', class: 'revoke', text: 'Revoke',
            onclick: act(async () => {
              await call('DELETE', `/api/v1/admin/keys/${enc(key.key_id)}`);
              await open(account);
            }) })))))),
      el('button', { type: 'button', id: 'issue-key', text: 'Issue a key', onclick: act(async () => {
        await open(account, await post(`/api/v1/admin/accounts/${enc(account.address)}/keys`, {}));
      }) }),
      issued ? el('p', { class: 'issued', role: 'status' }, `New key ${issued.key_id}, shown this once: `,
        el('code', { class: 'secret', text: issued.api_key })) : null,
      el('h3', { text: 'Agents' }),
      agents.length === 0 ? el('p', { class: 'hint', text: 'No agents.' })
        : el('ul', {}, agents.map((agent) => el('li', {}, agent.name, ' ', el('code', { class: 'id', text: agent.did }))))));
  }

  show(main,
    el('section', { class: 'panel' }, el('h1', { text: 'This node' }), figures),
    el('section', { class: 'panel' },
      el('h1', { text: 'Accounts' }),
      el('table', { class: 'tasks' },
        el('thead', {}, el('tr', {}, ['Name', 'Address', 'Created'].map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, list.map((account) => el('tr', { 'data-account': account.address },
          el('td', {}, el('button', { type: 'button', class: 'link', text: account.name, onclick: act(() => open(account)) })),
          el('td', {}, el('code', { class: 'id', text: account.address })),
          el('td', {}, time(account.createdAt))))))),
    problem,
    detail);
  await refreshFigures();
  app.every(5000, () => refreshFigures().catch(() => {}));
}
