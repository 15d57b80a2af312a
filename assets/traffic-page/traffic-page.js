// The agent traffic page (docs/traffic-page.md). Plain ES2020 modules, no build step, no
// dependencies: it reads the admin API every few seconds and changes state only through it.

import { api } from './admin-api.js';
import { forgetToken, renderToken, useToken } from './admin-token.js';
import { closeDetail, loadDetail, mutate, openDetail, renderDetail } from './agent-detail.js';
import { renderAgents, wireAgentsTable } from './agents-table.js';
import { $ } from './dom.js';
import { renderTraffic, summary } from './draw-traffic.js';
import { AGENT_PAGE, state, TOKEN_KEY } from './page-state.js';

const REFRESH_MS = 5000;
/** Requests one refresh may spend on the agents table (each is bounded by the server). */
const MAX_AGENT_REQUESTS = 10;

/**
 * The first AGENT_PAGE agents by id. The server examines a bounded number of agents per
 * request and may answer a short page with `next`, so this follows `next` until the table is
 * full, the listing ends, or MAX_AGENT_REQUESTS have been made.
 */
async function loadAgents() {
  const agents = [];
  let next;
  for (let i = 0; i < MAX_AGENT_REQUESTS && agents.length < AGENT_PAGE; i += 1) {
    const after = next === undefined ? '' : `&after=${encodeURIComponent(next)}`;
    const page = await api('GET', `/v1/agents?limit=${AGENT_PAGE - agents.length}${after}`);
    agents.push(...page.agents);
    next = page.next;
    if (next === undefined) break;
  }
  return { agents, more: next !== undefined };
}

async function refresh() {
  try {
    const window = $('window').value;
    const [traffic, agents, revocations, admin] = await Promise.all([
      api('GET', `/v1/traffic?window=${encodeURIComponent(window)}`),
      loadAgents(),
      api('GET', '/v1/revocations'),
      api('GET', '/v1/admin'),
    ]);
    state.traffic = traffic;
    state.agents = agents.agents;
    state.moreAgents = agents.more;
    state.revoked = new Set(revocations.revoked);
    state.mutations = admin.mutations;
    if (state.selected !== null) await loadDetail(state.selected);
    render();
    $('updated').textContent = `Updated ${new Date().toLocaleTimeString()}.`;
    announce(summary(traffic));
  } catch (error) {
    announce(`Could not load the admin API: ${error.message}`);
  }
}

function announce(text) {
  // Announced only when it changes, so live refresh does not repeat itself to screen readers.
  if (text === state.lastStatus) return;
  state.lastStatus = text;
  $('status').textContent = text;
}

function schedule() {
  clearInterval(state.timer);
  state.timer = $('live').checked ? setInterval(refresh, REFRESH_MS) : undefined;
}

function render() {
  renderTraffic(state.traffic, state.agents);
  renderAgents();
  renderToken();
  renderDetail();
}

function start() {
  $('remember').checked = sessionStorage.getItem(TOKEN_KEY) !== null;
  $('token-form').addEventListener('submit', useToken);
  $('forget').addEventListener('click', forgetToken);
  $('window').addEventListener('change', refresh);
  $('refresh').addEventListener('click', refresh);
  $('live').addEventListener('change', schedule);
  wireAgentsTable(openDetail);
  $('revoke').addEventListener('click', () => mutate('revoke', refresh));
  $('unrevoke').addEventListener('click', () => mutate('unrevoke', refresh));
  $('release').addEventListener('click', () => mutate('release', refresh));
  $('close-detail').addEventListener('click', closeDetail);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && state.selected !== null) closeDetail();
  });
  renderToken();
  schedule();
  refresh();
}

start();
