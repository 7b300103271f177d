import uPlot from 'uplot';

/**
 * Draw one throwaway plot while the page is idle, before any run. V8 compiles a function when it
 * is first called: the first real chart of a run spent 15–40 ms of the page's thread compiling
 * and running uPlot's code for the first time, in the middle of the run's busiest second. After
 * this, that first chart costs what the others do.
 */
export function warmUpCharts(): void {
  const host = document.createElement('div');
  host.style.cssText = 'position:fixed;left:-10000px;top:0;width:200px;height:100px';
  document.body.append(host);
  const plot = new uPlot(
    {
      width: 200,
      height: 100,
      scales: { x: { time: false } },
      series: [{}, { stroke: '#888', width: 1 }, { stroke: '#444', width: 2, dash: [4, 2] }],
      legend: { show: true, live: true },
    },
    [
      [0, 1, 2, 3],
      [1, 3, 2, 4],
      [2, 1, 3, 2],
    ],
    host,
  );
  // uPlot draws in a microtask; remove it once drawn.
  setTimeout(() => {
    plot.destroy();
    host.remove();
  }, 0);
}
