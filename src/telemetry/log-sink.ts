import { writeSync } from 'node:fs';

/** Where log lines go: anything with a synchronous `write`, as pino accepts. */
export interface LogSink {
  write(line: string): void;
}

/**
 * Writes each log line straight to a file descriptor (stdout by default). A log reader that went
 * away (EPIPE) or a full non-blocking pipe (EAGAIN) loses log lines, never a check: the write
 * neither throws nor retries, so it can neither crash the server nor hold up its exit. After
 * EPIPE or any other write error the sink stops writing.
 */
export function createLogSink(fd = 1): LogSink {
  let broken = false;
  return {
    write(line: string): void {
      if (broken) return;
      let rest = Buffer.from(line);
      try {
        while (rest.length > 0) rest = rest.subarray(writeSync(fd, rest));
      } catch (error) {
        // EAGAIN: the reader is slow; drop this line rather than wait. Anything else: stop.
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') broken = true;
      }
    },
  };
}
