/**
 * Loaded into a server with `node --import …/gc-window-preload.js` by measure-server-check.ts:
 * the first SIGUSR2 starts a GC window (watch-gc-window.ts), the second ends it and writes its
 * report as JSON to $GC_WINDOW_OUT. `$GC_WINDOW_OUT.started` appears once the window is open.
 * $GC_WINDOW_SAMPLE (bytes) also samples allocation sites. Nothing runs until the signal.
 */
import { writeFileSync } from 'node:fs';
import { watchGcWindow } from './watch-gc-window.js';

const out = process.env.GC_WINDOW_OUT;
const sample = Number(process.env.GC_WINDOW_SAMPLE ?? '0');
let stop: (() => Promise<unknown>) | undefined;

if (out !== undefined) {
  process.on('SIGUSR2', () => {
    if (stop === undefined) {
      void watchGcWindow(sample > 0 ? { sampleEveryBytes: sample } : {}).then((stopWindow) => {
        stop = stopWindow;
        writeFileSync(`${out}.started`, '');
      });
      return;
    }
    void stop().then((report) => writeFileSync(out, JSON.stringify(report)));
  });
}
