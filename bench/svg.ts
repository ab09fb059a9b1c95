/**
 * Horizontal bar charts as hand-written SVG (no dependency): one group per runtime or peer, one bar per
 * series, the value and an optional note (a ratio) at the bar's end, dashed lines for targets.
 */

export interface Bar {
  series: string;
  value: number;
  /** Drawn after the value, e.g. `4.1x /healthz`. */
  note?: string;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

export interface Chart {
  title: string;
  subtitle?: string;
  unit: string;
  groups: BarGroup[];
  targets?: { value: number; label: string }[];
  /** Log scale for values spanning orders of magnitude (sandbox start, per-run cost). */
  log?: boolean;
  /** Digits after the point in value labels. */
  digits?: number;
}

const COLORS = ['#2563eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#64748b'];
const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function barChart(chart: Chart): string {
  const series = [...new Set(chart.groups.flatMap((g) => g.bars.map((b) => b.series)))];
  const labelWidth = 210;
  const plotWidth = 470;
  const noteWidth = 200;
  const barHeight = 14;
  const groupGap = 12;
  const top = 58 + (series.length > 1 ? 18 : 0);
  const width = labelWidth + plotWidth + noteWidth;
  const values = chart.groups
    .flatMap((g) => g.bars.map((b) => b.value))
    .filter((v) => Number.isFinite(v) && v > 0);
  const targets = chart.targets ?? [];
  const max = Math.max(1e-9, ...values, ...targets.map((t) => t.value)) * 1.05;
  const min = chart.log ? Math.max(1e-9, Math.min(...values, ...targets.map((t) => t.value)) / 2) : 0;
  const x = (v: number) => {
    if (!Number.isFinite(v) || v <= 0) return 0;
    if (!chart.log) return (v / max) * plotWidth;
    return ((Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))) * plotWidth;
  };
  const digits = chart.digits ?? (max < 10 ? 2 : max < 100 ? 1 : 0);
  const parts: string[] = [];
  let y = top;
  for (const group of chart.groups) {
    const height = group.bars.length * barHeight;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + height / 2 + 4}" text-anchor="end" class="label">${xml(group.label)}</text>`,
    );
    for (const bar of group.bars) {
      const color = COLORS[series.indexOf(bar.series) % COLORS.length];
      const w = x(bar.value);
      const text = Number.isFinite(bar.value)
        ? `${bar.value.toFixed(digits)} ${chart.unit}${bar.note ? ` · ${bar.note}` : ''}`
        : `not measured${bar.note ? `: ${bar.note}` : ''}`;
      parts.push(
        `<rect x="${labelWidth}" y="${y + 1}" width="${w.toFixed(1)}" height="${barHeight - 2}" fill="${color}"><title>${xml(`${group.label} ${bar.series}: ${text}`)}</title></rect>`,
        `<text x="${labelWidth + w + 4}" y="${y + barHeight - 3}" class="value">${xml(text)}</text>`,
      );
      y += barHeight;
    }
    y += groupGap;
  }
  const bottom = y;
  targets.forEach((target, i) => {
    const tx = labelWidth + x(target.value);
    // Labels alternate between two lines so neighbouring targets do not overlap.
    parts.push(
      `<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${bottom - groupGap + 4 + (i % 2) * 12}" class="target"/>`,
      `<text x="${tx}" y="${bottom + 6 + (i % 2) * 12}" text-anchor="middle" class="target-label">${xml(target.label)}</text>`,
    );
  });
  const legend =
    series.length > 1
      ? series
          .map((name, i) => {
            const lx = labelWidth + i * Math.min(150, (plotWidth + noteWidth - 20) / series.length);
            return `<rect x="${lx}" y="${top - 22}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${lx + 14}" y="${top - 13}" class="value">${xml(name)}</text>`;
          })
          .join('')
      : '';
  const height = bottom + (targets.length > 1 ? 34 : targets.length ? 22 : 6);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" role="img">
<title>${xml(chart.title)}</title>
<style>.title{font-size:15px;font-weight:600;fill:#111}.subtitle{font-size:11px;fill:#555}.label{font-size:12px;fill:#222}.value{font-size:11px;fill:#333}.target{stroke:#dc2626;stroke-width:1.2;stroke-dasharray:4 3}.target-label{font-size:10px;fill:#dc2626}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="12" y="22" class="title">${xml(chart.title)}</text>
${chart.subtitle ? `<text x="12" y="40" class="subtitle">${xml(chart.subtitle)}</text>` : ''}
${legend}
${parts.join('\n')}
</svg>
`;
}
