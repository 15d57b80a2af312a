import type { ScenarioResult } from './summarise.js';

const WIDTH = 720;
const LABEL = 170;
const ROW = 24;
const TOP = 34;
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * A small horizontal bar chart of server CPU per check: one bar per scenario, a solid tick at
 * its floor and a dashed tick at the target (floor / 0.85).
 */
export function drawCpuChart(results: readonly ScenarioResult[], title: string): string {
  const rows = results.filter((r) => r.status === 'ok' && r.cpuMicrosPerCheck !== undefined);
  const largest = Math.max(...rows.map((r) => Math.max(r.cpuMicrosPerCheck!, r.targetMicros ?? 0)));
  const scale = (WIDTH - LABEL - 70) / largest;
  const height = TOP + rows.length * ROW + 28;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="18" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  rows.forEach((r, index) => {
    const y = TOP + index * ROW;
    const bar = r.cpuMicrosPerCheck! * scale;
    parts.push(
      `<text x="${LABEL - 6}" y="${y + 15}" text-anchor="end">${escapeXml(r.name)}</text>`,
      `<rect x="${LABEL}" y="${y + 4}" width="${bar.toFixed(1)}" height="${ROW - 8}" fill="${r.floorMicros === undefined ? '#9aa5b1' : '#3b82c4'}"/>`,
      `<text x="${(LABEL + bar + 4).toFixed(1)}" y="${y + 15}">${r.cpuMicrosPerCheck!.toFixed(0)} µs</text>`,
    );
    if (r.floorMicros !== undefined && r.targetMicros !== undefined) {
      parts.push(
        tick(LABEL + r.floorMicros * scale, y, ''),
        tick(LABEL + r.targetMicros * scale, y, ' stroke-dasharray="3,2"'),
      );
    }
  });
  const legendY = TOP + rows.length * ROW + 18;
  parts.push(
    `<text x="${LABEL}" y="${legendY}" fill="#444">server CPU µs per check at saturation; solid tick: floor; dashed: target (floor / 0.85)</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

function tick(x: number, y: number, style: string): string {
  return `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${y + 1}" y2="${y + ROW - 1}" stroke="#c0392b" stroke-width="2"${style}/>`;
}
