// Building the page from data. Everything a tenant wrote (names, queries, outputs, logs) enters the page
// as text nodes only: there is no innerHTML anywhere in the dashboard.

/** An element with attributes (`on*` keys become listeners) and children (strings become text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'text') node.textContent = String(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `node` shows. */
export function show(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

/** How the statuses look: a colour and a shape, so that they read without colour too. */
const STATUS = {
  Pending: { mark: '○', label: 'Pending' },
  In_Progress: { mark: '◐', label: 'In progress' },
  Not_Ready: { mark: '◌', label: 'Not ready' },
  Completed: { mark: '✓', label: 'Completed' },
  Failed: { mark: '✕', label: 'Failed' },
};

export const STATUSES = Object.keys(STATUS);

export function statusBadge(status) {
  const look = STATUS[status] ?? { mark: '?', label: String(status) };
  return el('span', { class: `status status-${String(status).toLowerCase()}`, 'data-status': status },
    el('span', { 'aria-hidden': 'true', text: look.mark }), ' ', look.label);
}

export function time(value) {
  if (!value) return '–';
  const date = new Date(value);
  return el('time', { datetime: date.toISOString(), title: date.toISOString(), text: date.toLocaleString() });
}

/** How long from one time to another (or to now), for people. */
export function duration(from, to) {
  if (!from) return '–';
  const ms = (to ? new Date(to) : new Date()) - new Date(from);
  if (ms < 1000) return `${Math.max(0, ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
