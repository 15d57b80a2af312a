import { startEchoUpstream } from './start-demo-front.js';

/** The compose demo's upstream: `node dist/demo/run-echo-upstream.js [PORT]` (default 8080). */
const port = Number(process.argv[2] ?? 8080);
const server = await startEchoUpstream({ host: '0.0.0.0', port });
process.stdout.write(`echo upstream on ${JSON.stringify(server.address())}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
