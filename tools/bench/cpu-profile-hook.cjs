// Optional CPU profiling of an app under load (BENCH_PROFILE=gateway,organizations,...).
// Preloaded with NODE_OPTIONS=--require. It watches $BENCH_PROFILE_DIR/control: "on LABEL"
// starts the V8 sampling profiler, "off LABEL" stops it and writes
// $BENCH_PROFILE_DIR/LABEL-$BENCH_PROFILE_APP.cpuprofile. A file, not a signal: Nest's shutdown
// hooks treat SIGUSR2 and friends as "terminate", and `node --cpu-prof` writes nothing when the
// app exits through its re-raised SIGTERM.
'use strict';
const { Session } = require('node:inspector');
const { readFileSync, watchFile, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_PROFILE_DIR;
const app = process.env.BENCH_PROFILE_APP || String(process.pid);
if (dir) {
  const control = join(dir, 'control');
  const session = new Session();
  session.connect();
  let running = false;
  const onChange = () => {
    let cmd = '';
    try {
      cmd = readFileSync(control, 'utf8').trim();
    } catch {
      return;
    }
    const [state, label = 'profile'] = cmd.split(/\s+/);
    if (state === 'on' && !running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')));
    } else if (state === 'off' && running) {
      running = false;
      session.post('Profiler.stop', (err, result) => {
        if (!err) writeFileSync(join(dir, `${label}-${app}.cpuprofile`), JSON.stringify(result.profile));
      });
    }
  };
  watchFile(control, { interval: 100 }, onChange).unref();
}
