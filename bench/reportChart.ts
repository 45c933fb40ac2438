import { parseArgs } from 'node:util';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { simulatedKlines } from '../lib/marketData/simulated.ts';
import { analyze } from '../lib/reports/analysis.ts';
import { chartSpec, renderChartPng } from '../lib/reports/chart.ts';

// `npm run bench:report-chart [-- --reports 30 --candles 120]`: what one report costs in the worker, step by step.
// Baseline: the figures alone (indicators, trend, levels); the chart's SVG and PNG are measured against it.
const { values } = parseArgs({ options: { reports: { type: 'string', default: '30' }, candles: { type: 'string', default: '120' } } });
const reports = Number(values.reports);
const candleCount = Number(values.candles);
const now = Date.now();
const candles = simulatedKlines('BTCUSDT', '1h', candleCount + 1, now).filter((candle) => candle.close_time < now);

async function timed(label: string, work: () => unknown): Promise<number> {
  await work(); // warm-up: module and font loading are paid once per worker, not per report
  const started = performance.now();
  for (let i = 0; i < reports; i++) await work();
  const ms = (performance.now() - started) / reports;
  process.stdout.write(`${label.padEnd(36)} ${ms.toFixed(1).padStart(8)} ms\n`);
  return ms;
}

const analysis = analyze(candles, candles.at(-1)!.close);
const input = { title: 'BTCUSDT 1h', candles, analysis };
const figures = await timed('figures (baseline)', () => analyze(candles, candles.at(-1)!.close));
const svg = await timed('figures + Vega-Lite SVG', async () => {
  analyze(candles, candles.at(-1)!.close);
  const view = new View(parse(compile(chartSpec(input)).spec), { renderer: 'none' });
  await view.toSVG();
  view.finalize();
});
const png = await timed('figures + SVG + resvg PNG (a report)', async () => {
  analyze(candles, candles.at(-1)!.close);
  await renderChartPng(input);
});
const bytes = (await renderChartPng(input)).length;
process.stdout.write(`\n${reports} reports of ${candles.length} candles; PNG ${(bytes / 1024).toFixed(1)} KiB (base64 ${((bytes * 4) / 3 / 1024).toFixed(1)} KiB)\n`);
process.stdout.write(`ratio SVG/figures ${(svg / figures).toFixed(0)}x, PNG/figures ${(png / figures).toFixed(0)}x, PNG share of a report ${(((png - svg) / png) * 100).toFixed(0)} %\n`);
process.stdout.write(`RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB\n`);
