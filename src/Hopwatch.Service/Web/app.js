// Hopwatch web UI. Plain DOM, no framework, no CDN. Every piece of text that comes from the API
// (and so from the logs) is put on the page with textContent or as an SVG text node, never as
// markup: a user name like "<img onerror=...>" shows as those characters.
'use strict';

const state = { token: sessionStorage.getItem('hopwatch-token') || '', stream: null, refreshTimer: null };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = String(text);
  return e;
}

async function api(path, options) {
  const opts = Object.assign({ headers: {} }, options || {});
  opts.headers['Authorization'] = 'Bearer ' + state.token;
  if (opts.body && typeof opts.body !== 'string') {
    opts.body = JSON.stringify(opts.body);
    opts.headers['Content-Type'] = 'application/json';
  }
  const r = await fetch(path, opts);
  if (r.status === 401) { showLogin('The token was refused.'); throw new Error('unauthorized'); }
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new Error((body && body.error) || ('HTTP ' + r.status));
  return body;
}

function sev(s) { return el('span', { class: 'sev sev-' + s }, s); }
function verdict(v) { return v ? el('span', { class: 'badge verdict-' + v, 'data-verdict': v }, v) : el('span', { class: 'muted' }, '-'); }
function when(t) { return t ? t.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''; }
function view() { return document.getElementById('view'); }
function setView(...children) { view().replaceChildren(...children); }

function showLogin(message) {
  document.getElementById('login').hidden = false;
  document.getElementById('signout').hidden = true;
  document.getElementById('login-error').textContent = message || '';
  view().replaceChildren();
  stopStream();
}

// ---------------------------------------------------------------- incidents list
const incidentFilters = ['severity', 'status', 'verdict', 'user', 'host', 'since'];

async function renderIncidents(params) {
  const form = el('form', { class: 'filters', id: 'incident-filters' },
    el('label', {}, 'Severity at least', el('select', { name: 'severity' },
      ['', 'low', 'medium', 'high', 'critical'].map(s => el('option', { value: s }, s || 'any')))),
    el('label', {}, 'Status', el('select', { name: 'status' },
      ['', 'open', 'acknowledged', 'closed'].map(s => el('option', { value: s }, s || 'any')))),
    el('label', {}, 'Verdict', el('select', { name: 'verdict' },
      ['', 'escalate', 'investigate', 'monitor'].map(s => el('option', { value: s }, s || 'any')))),
    el('label', {}, 'User', el('input', { name: 'user', placeholder: 'user name' })),
    el('label', {}, 'Host', el('input', { name: 'host', placeholder: 'host or IP' })),
    el('label', {}, 'Since', el('input', { name: 'since', placeholder: '2024-01-01T00:00:00Z' })),
    el('button', { type: 'submit' }, 'Filter'));
  for (const f of incidentFilters) if (params.get(f)) form.elements[f].value = params.get(f);
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const f of incidentFilters) if (form.elements[f].value) q.set(f, form.elements[f].value);
    location.hash = '#/incidents?' + q.toString();
  });
  const tbody = el('tbody', {});
  const table = el('table', { id: 'incidents' },
    el('thead', {}, el('tr', {}, ['Last activity', 'Severity', 'Verdict', 'Score', 'Incident', 'Users', 'Hosts', 'Alerts', 'Status'].map(h => el('th', {}, h)))),
    tbody);
  setView(el('h2', {}, 'Incidents'), form, table);
  const q = new URLSearchParams();
  for (const f of incidentFilters) if (params.get(f)) q.set(f, params.get(f));
  q.set('limit', '200');
  const list = await api('/api/v1/incidents?' + q.toString());
  if (list.length === 0) tbody.appendChild(el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'No incidents match.')));
  for (const i of list) {
    const row = el('tr', { class: 'clickable incident-row', 'data-id': i.id },
      el('td', {}, when(i.time_last)), el('td', {}, sev(i.severity)), el('td', {}, verdict(i.verdict)),
      el('td', {}, i.score ?? ''), el('td', {}, el('a', { href: '#/incident/' + encodeURIComponent(i.id) }, i.title)),
      el('td', {}, (i.users || []).join(', ')), el('td', {}, (i.hosts || []).slice(0, 6).join(', ')),
      el('td', {}, i.alert_count), el('td', { class: 'status' }, i.status));
    row.addEventListener('click', ev => { if (ev.target.tagName !== 'A') location.hash = '#/incident/' + encodeURIComponent(i.id); });
    tbody.appendChild(row);
  }
}

// ---------------------------------------------------------------- incident page
async function renderIncident(id) {
  const [inc, graph, timeline] = await Promise.all([
    api('/api/v1/incidents/' + encodeURIComponent(id)),
    api('/api/v1/incidents/' + encodeURIComponent(id) + '/graph'),
    api('/api/v1/incidents/' + encodeURIComponent(id) + '/timeline'),
  ]);
  const comment = el('textarea', { id: 'comment', placeholder: 'Comment (why)' });
  const message = el('span', { class: 'muted', id: 'action-result' });
  async function act(action) {
    try {
      await api('/api/v1/incidents/' + encodeURIComponent(id) + '/actions', { method: 'POST', body: { action, comment: comment.value } });
      await renderIncident(id);
      document.getElementById('action-result').textContent = 'Recorded: ' + action;
    } catch (e) { message.textContent = e.message; }
  }
  const triage = el('dl', { class: 'triage', id: 'triage' },
    (inc.triage || []).flatMap(t => [el('dt', {}, t.question), el('dd', {}, t.answer)]));
  const history = el('ul', { id: 'history' }, (inc.history || []).map(h =>
    el('li', {}, when(h.at) + ' ', el('b', {}, h.action), ' by ' + h.actor + (h.comment ? ': ' : ''), h.comment ? el('q', {}, h.comment) : null)));
  setView(
    el('p', {}, el('a', { href: '#/incidents' }, '← all incidents')),
    el('h2', { id: 'incident-title' }, inc.title),
    el('div', { class: 'cards' },
      el('div', { class: 'card' },
        el('p', {}, 'Severity ', sev(inc.severity), '  Verdict ', verdict(inc.verdict), '  Score ', String(inc.score ?? '-')),
        el('p', {}, 'Status: ', el('b', { id: 'incident-status' }, inc.status)),
        el('p', {}, when(inc.time_first) + ' → ' + when(inc.time_last) + ' · ' + inc.alert_count + ' alerts'),
        el('p', {}, 'Users: ', ...(inc.users || []).map(u => el('a', { class: 'entity', href: '#/entity/user/' + encodeURIComponent(u) }, u + ' '))),
        el('p', {}, 'Hosts: ', ...(inc.hosts || []).map(h => el('a', { class: 'entity', href: '#/entity/host/' + encodeURIComponent(h) }, h + ' '))),
        el('div', { class: 'actions' }, comment,
          el('button', { type: 'button', id: 'ack', onclick: () => act('acknowledge') }, 'Acknowledge'),
          el('button', { type: 'button', id: 'close', class: 'secondary', onclick: () => act('close') }, 'Close'),
          el('button', { type: 'button', id: 'reopen', class: 'secondary', onclick: () => act('reopen') }, 'Reopen'),
          message)),
      el('div', { class: 'card' }, el('h3', {}, 'Triage'), triage)),
    el('h3', {}, 'Hop graph'), drawGraph(graph),
    el('h3', {}, 'Timeline'), timelineTable(timeline),
    el('h3', {}, 'Alerts'), alertsTable(inc.alerts || []),
    el('h3', {}, 'History'), history);
}

// Layered layout: a node's column is its longest distance from a node nothing points to.
function drawGraph(graph) {
  const nodes = graph.nodes || [], edges = graph.edges || [];
  const depth = new Map(nodes.map(n => [n.id, 0]));
  for (let pass = 0; pass < nodes.length; pass++) {
    let changed = false;
    for (const e of edges) {
      const d = (depth.get(e.source) || 0) + 1;
      if (d > (depth.get(e.target) || 0) && d < nodes.length) { depth.set(e.target, d); changed = true; }
    }
    if (!changed) break;
  }
  const columns = new Map();
  for (const n of nodes) {
    const d = depth.get(n.id) || 0;
    if (!columns.has(d)) columns.set(d, []);
    columns.get(d).push(n);
  }
  const pos = new Map(), W = 190, H = 54, boxW = 160, boxH = 26;
  let rows = 1;
  for (const [d, list] of columns) { list.forEach((n, i) => pos.set(n.id, { x: 20 + d * W, y: 20 + i * H })); rows = Math.max(rows, list.length); }
  const width = 40 + Math.max(1, columns.size) * W, height = 40 + rows * H;
  const root = svg('svg', { class: 'graph', id: 'graph', viewBox: `0 0 ${width} ${height}`, height: height, role: 'img', 'aria-label': 'hop graph' });
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.appendChild(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#8a94a6' }));
  defs.appendChild(marker);
  root.appendChild(defs);
  const seen = new Set();
  for (const e of edges) {
    const a = pos.get(e.source), b = pos.get(e.target);
    if (!a || !b) continue;
    const key = e.source + '>' + e.target;
    const g = svg('g', { class: 'edge' });
    g.appendChild(svg('line', { x1: a.x + boxW, y1: a.y + boxH / 2, x2: b.x, y2: b.y + boxH / 2, 'marker-end': 'url(#arrow)' }));
    if (!seen.has(key)) g.appendChild(svg('text', { x: (a.x + boxW + b.x) / 2 - 20, y: (a.y + b.y) / 2 + boxH / 2 - 4 }, e.analytic));
    seen.add(key);
    const title = svg('title', {}, `${e.source} → ${e.target} ${e.analytic} ${e.time} ${(e.users || []).join(', ')}`);
    g.appendChild(title);
    root.appendChild(g);
  }
  for (const n of nodes) {
    const p = pos.get(n.id);
    const g = svg('g', { class: 'node ' + n.role, 'data-node': n.id });
    g.appendChild(svg('rect', { x: p.x, y: p.y, width: boxW, height: boxH, rx: 4 }));
    const label = n.id.length > 24 ? n.id.slice(0, 23) + '…' : n.id;
    g.appendChild(svg('text', { x: p.x + 6, y: p.y + 17 }, label));
    g.appendChild(svg('title', {}, n.kind + ' ' + n.id));
    root.appendChild(g);
  }
  return root;
}

function timelineTable(rows) {
  return el('table', { id: 'timeline' },
    el('thead', {}, el('tr', {}, ['Time', 'Host', 'Channel', 'Event', 'Alert', 'Source'].map(h => el('th', {}, h)))),
    el('tbody', {}, rows.map(r => el('tr', {}, el('td', {}, when(r.time)), el('td', {}, r.host), el('td', {}, r.channel),
      el('td', {}, r.event_id), el('td', {}, sev(r.severity), ' ', r.title), el('td', { class: 'mono' }, r.file + '#' + r.record_id)))));
}

function alertsTable(alerts) {
  return el('table', { id: 'alerts' },
    el('thead', {}, el('tr', {}, ['Time', 'Severity', 'Analytic', 'Title', 'Users', 'Source', 'Target', 'Status'].map(h => el('th', {}, h)))),
    el('tbody', {}, alerts.map(a => el('tr', { class: 'alert-row', title: a.description },
      el('td', {}, when(a.time_first)), el('td', {}, sev(a.severity)), el('td', {}, a.analytic), el('td', {}, a.title),
      el('td', {}, (a.entities.users || []).join(', ')),
      el('td', {}, [...(a.entities.source_hosts || []), ...(a.entities.source_ips || [])].join(', ')),
      el('td', {}, (a.entities.target_hosts || []).join(', ')),
      el('td', {}, a.status + (a.suppressed_by ? ' (' + a.suppressed_by + ')' : ''))))));
}

async function renderAlerts(params) {
  const q = new URLSearchParams(params);
  if (!q.has('limit')) q.set('limit', '200');
  const list = await api('/api/v1/alerts?' + q.toString());
  setView(el('h2', {}, 'Alerts'), alertsTable(list));
}

async function renderEntity(kind, name) {
  const e = await api('/api/v1/entities/' + encodeURIComponent(kind) + '/' + encodeURIComponent(name));
  setView(el('p', {}, el('a', { href: '#/incidents' }, '← all incidents')),
    el('h2', {}, kind + ': ' + e.name),
    el('h3', {}, 'Incidents'),
    el('ul', {}, e.incidents.map(i => el('li', {}, el('a', { href: '#/incident/' + encodeURIComponent(i.id) }, i.title), ' ', sev(i.severity), ' ', i.status))),
    el('h3', {}, 'Alerts'), alertsTable(e.alerts));
}

async function renderAllowlist() {
  const [entries, audit] = await Promise.all([api('/api/v1/allowlist'), api('/api/v1/allowlist/audit')]);
  const msg = el('span', { class: 'error' });
  const form = el('form', { class: 'filters', id: 'allow-form' },
    el('label', {}, 'Kind', el('select', { name: 'kind' }, ['user', 'host', 'ip', 'rule', 'analytic'].map(k => el('option', { value: k }, k)))),
    el('label', {}, 'Value', el('input', { name: 'value', required: true })),
    el('label', {}, 'Why', el('input', { name: 'comment', required: true })),
    el('button', { type: 'submit' }, 'Add'), msg);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      await api('/api/v1/allowlist', { method: 'POST', body: { kind: form.elements.kind.value, value: form.elements.value.value, comment: form.elements.comment.value } });
      await renderAllowlist();
    } catch (e) { msg.textContent = e.message; }
  });
  setView(el('h2', {}, 'Allowlist'), form,
    el('table', {}, el('thead', {}, el('tr', {}, ['Kind', 'Value', 'Why', 'By', 'When', ''].map(h => el('th', {}, h)))),
      el('tbody', {}, entries.map(e => el('tr', {}, el('td', {}, e.kind), el('td', {}, e.value), el('td', {}, e.comment), el('td', {}, e.created_by), el('td', {}, when(e.created_at)),
        el('td', {}, el('button', { type: 'button', class: 'secondary', onclick: async () => {
          const why = prompt('Why remove it?');
          if (!why) return;
          await api('/api/v1/allowlist/' + e.id + '?comment=' + encodeURIComponent(why), { method: 'DELETE' });
          await renderAllowlist();
        } }, 'Remove')))))),
    el('h3', {}, 'Audit trail'),
    el('table', {}, el('thead', {}, el('tr', {}, ['When', 'Who', 'Action', 'Entry', 'Why'].map(h => el('th', {}, h)))),
      el('tbody', {}, audit.map(a => el('tr', {}, el('td', {}, when(a.at)), el('td', {}, a.actor), el('td', {}, a.action), el('td', {}, a.kind + '=' + a.value), el('td', {}, a.comment))))));
}

// ---------------------------------------------------------------- live updates (SSE over fetch, so the token goes in a header)
function stopStream() { if (state.stream) { state.stream.abort(); state.stream = null; } setLive(false); }
function setLive(on) { const l = document.getElementById('live'); l.textContent = on ? 'live' : 'offline'; l.className = on ? 'live' : 'live off'; }

async function startStream() {
  stopStream();
  const ctrl = new AbortController();
  state.stream = ctrl;
  try {
    const r = await fetch('/api/v1/stream', { headers: { Authorization: 'Bearer ' + state.token }, signal: ctrl.signal });
    if (!r.ok) return;
    setLive(true);
    const reader = r.body.getReader(), decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const msg = buf.slice(0, i); buf = buf.slice(i + 2);
        const ev = /^event: (.*)$/m.exec(msg);
        if (ev) onLiveEvent(ev[1]);
      }
    }
  } catch (e) { /* aborted or dropped */ }
  if (state.stream === ctrl) { setLive(false); setTimeout(() => { if (state.token && state.stream === ctrl) startStream(); }, 3000); }
}

function onLiveEvent(name) {
  // Coalesce bursts: one refresh of the current view per second at most.
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(() => { state.refreshTimer = null; if (!isEditing()) route(); }, 1000);
}

function isEditing() {
  const a = document.activeElement;
  return a && (a.tagName === 'TEXTAREA' || a.tagName === 'INPUT' || a.tagName === 'SELECT') && a.value;
}

// ---------------------------------------------------------------- routing
async function route() {
  if (!state.token) { showLogin(); return; }
  document.getElementById('login').hidden = true;
  document.getElementById('signout').hidden = false;
  const hash = location.hash || '#/incidents';
  const [path, query] = hash.slice(1).split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', hash.startsWith(a.getAttribute('href')));
  try {
    if (parts[0] === 'incident' && parts[1]) await renderIncident(parts[1]);
    else if (parts[0] === 'alerts') await renderAlerts(params);
    else if (parts[0] === 'entity' && parts[2]) await renderEntity(parts[1], parts[2]);
    else if (parts[0] === 'allowlist') await renderAllowlist();
    else await renderIncidents(params);
  } catch (e) {
    if (e.message !== 'unauthorized') setView(el('p', { class: 'error' }, 'Error: ' + e.message));
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('login-form').addEventListener('submit', ev => {
    ev.preventDefault();
    state.token = document.getElementById('token').value.trim();
    sessionStorage.setItem('hopwatch-token', state.token);
    startStream();
    route();
  });
  document.getElementById('signout').addEventListener('click', () => {
    state.token = ''; sessionStorage.removeItem('hopwatch-token'); showLogin();
  });
  window.addEventListener('hashchange', route);
  if (state.token) startStream();
  route();
});
