import { processIo } from './command-line/cli-io.js';
import { runAgentAuthz } from './command-table.js';

const { code, failed } = await runAgentAuthz(process.argv.slice(2), processIo());
// A failed command ends now, whatever it left open (a listener bound before another failed).
if (failed) process.exit(code);
process.exitCode = code;
