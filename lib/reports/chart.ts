import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Candle } from '../marketData/provider.ts';
import type { Analysis } from './analysis.ts';

const WIDTH = 900;
const HEIGHT = 420;

export interface ChartInput {
  title: string;
  candles: readonly Candle[];
  analysis: Pick<Analysis, 'series' | 'support' | 'resistance'>;
}

/** The chart as a Vega-Lite spec: candles (wick and body), SMA 20/50, Bollinger bands, support and resistance lines. */
export function chartSpec({ title, candles, analysis }: ChartInput): TopLevelSpec {
  const rows = candles.map((candle, i) => ({ time: candle.open_time, ...candle, ...analysis.series[i] }));
  const time = { field: 'time', type: 'temporal', title: null } as const;
  const price = { type: 'quantitative', scale: { zero: false }, title: 'price' } as const;
  const line = (field: string, color: string, dash?: number[]) => ({
    mark: { type: 'line', color, strokeWidth: 1.5, ...(dash ? { strokeDash: dash } : {}) },
    encoding: { x: time, y: { field, ...price } },
  });
  // A time scale has no bands: the body's width in pixels, from the candle count.
  const bodyWidth = Math.max(1, Math.floor((WIDTH / Math.max(1, candles.length)) * 0.7));
  const levels = [...analysis.support.map((level) => ({ level, kind: 'support' })), ...analysis.resistance.map((level) => ({ level, kind: 'resistance' }))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    layer: [
      {
        data: { values: rows },
        encoding: { x: time, color: { condition: { test: 'datum.open <= datum.close', value: '#26a69a' }, value: '#ef5350' } },
        layer: [
          { mark: 'rule', encoding: { y: { field: 'low', ...price }, y2: { field: 'high' } } },
          { mark: { type: 'bar', width: bodyWidth }, encoding: { y: { field: 'open', ...price }, y2: { field: 'close' } } },
        ],
      },
      { data: { values: rows }, layer: [line('sma_20', '#ff9800'), line('sma_50', '#3f51b5'), line('bb_upper', '#9e9e9e', [4, 3]), line('bb_lower', '#9e9e9e', [4, 3])] },
      ...(levels.length
        ? [{ data: { values: levels }, mark: { type: 'rule', strokeDash: [6, 4] }, encoding: { y: { field: 'level', ...price }, color: { field: 'kind', type: 'nominal', scale: { domain: ['support', 'resistance'], range: ['#2e7d32', '#c62828'] }, title: null } } }]
        : []),
    ],
  } as TopLevelSpec;
}

/** Renders the chart to PNG without a browser: Vega-Lite to SVG in-process, resvg to PNG (text in the system's fonts, none drawn where there are none). */
export async function renderChartPng(input: ChartInput): Promise<Buffer> {
  const view = new View(parse(compile(chartSpec(input)).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'original' } }).render().asPng();
  } finally {
    view.finalize();
  }
}
