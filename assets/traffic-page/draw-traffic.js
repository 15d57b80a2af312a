import { $, count, element, formatClock, formatTime, svg } from './dom.js';
import { AGENT_PAGE, state, TRUST_ORDER } from './page-state.js';

// The traffic panels from GET /v1/traffic: the legend, the stacked-bar SVG chart, denials by
// reason, and agents by trust level.

const KINDS = [
  { key: 'verified', label: 'Verified agents' },
  { key: 'unsigned', label: 'Unsigned / human' },
  { key: 'denied', label: 'Denied' },
];

/** The traffic panels: legend, chart, denials by reason, agents by trust. */
export function renderTraffic(traffic, agents) {
  renderLegend(traffic);
  renderChart(traffic);
  renderDenials(traffic);
  renderTrust(traffic, agents);
}

export function summary(traffic) {
  const { verified, unsigned, denied } = traffic.totals;
  const total = verified + unsigned + denied;
  return `${count(total)} checks in the ${$('window').selectedOptions[0].text}: ${count(verified)} from verified agents, ${count(unsigned)} unsigned, ${count(denied)} denied.`;
}

function renderLegend(traffic) {
  const total = KINDS.reduce((sum, kind) => sum + traffic.totals[kind.key], 0);
  const items = KINDS.map((kind) => {
    const value = traffic.totals[kind.key];
    const item = element('li');
    item.dataset.kind = kind.key;
    item.append(element('span', '', `swatch ${kind.key}`), element('span', kind.label));
    item.append(element('strong', count(value)));
    const share = total === 0 ? 0 : Math.round((100 * value) / total);
    item.append(element('span', `${share} %`, 'muted'));
    return item;
  });
  $('mix-legend').replaceChildren(...items);
}

/** Stacked bars per interval, drawn as SVG: verified at the bottom, then unsigned, then denied. */
function renderChart(traffic) {
  const width = 960;
  const height = 220;
  const left = 44;
  const bottom = 24;
  const plotWidth = width - left - 8;
  const plotHeight = height - bottom - 8;
  const intervals = traffic.series.verified.length;
  const totals = traffic.series.verified.map(
    (v, i) => v + traffic.series.unsigned[i] + traffic.series.denied[i],
  );
  const max = niceCeiling(Math.max(2, ...totals));
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-labelledby': 'chart-title chart-desc',
  });
  const title = svg('title', { id: 'chart-title' });
  title.textContent = 'Checks per interval by kind';
  const desc = svg('desc', { id: 'chart-desc' });
  desc.textContent = summary(traffic);
  chart.append(title, desc);
  for (const fraction of [0, 0.5, 1]) {
    const y = 8 + plotHeight * (1 - fraction);
    chart.append(svg('line', { x1: left, x2: width - 8, y1: y, y2: y }));
    const label = svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' });
    label.textContent = count(Math.round(max * fraction));
    chart.append(label);
  }
  const step = plotWidth / intervals;
  const startMs = Date.parse(traffic.start);
  const intervalMs = traffic.intervalSeconds * 1000;
  for (let i = 0; i < intervals; i += 1) {
    if (totals[i] === 0) continue;
    const group = svg('g');
    const tip = svg('title');
    tip.textContent = `${formatClock(startMs + i * intervalMs)}: ${traffic.series.verified[i]} verified, ${traffic.series.unsigned[i]} unsigned, ${traffic.series.denied[i]} denied`;
    group.append(tip);
    let y = 8 + plotHeight;
    for (const kind of KINDS) {
      const value = traffic.series[kind.key][i];
      if (value === 0) continue;
      const h = (plotHeight * value) / max;
      y -= h;
      const bar = { x: left + i * step, y, width: Math.max(1, step - 1), height: h };
      group.append(svg('rect', { ...bar, class: kind.key, 'data-count': value }));
    }
    chart.append(group);
  }
  for (const [fraction, anchor] of [
    [0, 'start'],
    [0.5, 'middle'],
    [1, 'end'],
  ]) {
    const label = svg('text', {
      x: left + plotWidth * fraction,
      y: height - 6,
      'text-anchor': anchor,
    });
    label.textContent = formatClock(startMs + fraction * intervals * intervalMs);
    chart.append(label);
  }
  $('chart').replaceChildren(chart);
  $('chart-caption').textContent =
    `One bar per ${traffic.intervalSeconds} s interval since ${formatTime(traffic.start)}; counts from server process ${traffic.pid} only.`;
}

/** The smallest 1, 2 or 5 × 10^k at or above n, so the axis reads in round numbers. */
function niceCeiling(n) {
  const power = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * power).find((value) => value >= n);
}

function renderDenials(traffic) {
  const rows = Object.entries(traffic.denials).sort((a, b) => b[1] - a[1]);
  const max = rows.length === 0 ? 1 : rows[0][1];
  $('denials').tBodies[0].replaceChildren(
    ...rows.map(([reason, n]) => {
      const row = element('tr');
      row.append(element('td', reason, 'id'), element('td', count(n), 'num'));
      const bar = element('span', '', 'bar');
      bar.style.width = `${Math.max(2, Math.round((100 * n) / max))}%`;
      const cell = element('td');
      cell.append(bar);
      row.append(cell);
      return row;
    }),
  );
  $('denials').hidden = rows.length === 0;
  $('denials-empty').hidden = rows.length > 0;
}

function renderTrust(traffic, agents) {
  const since = Date.parse(traffic.start);
  const rows = Object.keys(TRUST_ORDER).map((level) => {
    const ofLevel = agents.filter((agent) => agent.trust === level);
    const fresh = ofLevel.filter(
      (agent) => agent.firstSeen && Date.parse(agent.firstSeen) >= since,
    );
    const row = element('tr');
    row.dataset.trust = level;
    row.append(element('th', level));
    row.firstChild.scope = 'row';
    row.append(element('td', count(ofLevel.length), 'num'));
    row.append(element('td', count(fresh.length), 'num'));
    row.append(element('td', count(traffic.trust[level]), 'num'));
    return row;
  });
  $('trust').tBodies[0].replaceChildren(...rows);
  $('trust-note').textContent = state.moreAgents
    ? `Agent counts cover the first ${AGENT_PAGE} agents by id.`
    : 'Trust is each agent’s level now; checks are counted at the level the agent had then.';
}
