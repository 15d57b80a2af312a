// The page's state, shared by its modules. The admin token lives here; sessionStorage holds it
// only when the operator ticks "Keep it for this tab".

export const TOKEN_KEY = 'agent-authz-admin-token';
/** Agents loaded for the table: the first this many by id, from GET /v1/agents. */
export const AGENT_PAGE = 1000;
export const TRUST_ORDER = { new: 0, known: 1, trusted: 2 };

export const state = {
  traffic: null,
  agents: [],
  moreAgents: false,
  revoked: new Set(),
  sort: { key: 'lastSeen', descending: true },
  selected: null,
  detail: null,
  token: sessionStorage.getItem(TOKEN_KEY) || '',
  mutations: 'unknown',
  timer: undefined,
  lastStatus: '',
};
