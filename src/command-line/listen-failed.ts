export const ADDRESS_IN_USE = 'address already in use';

/** Node's errno codes for a listener that cannot bind, in the words a user reads. */
const LISTEN_ERRORS: Readonly<Record<string, string>> = {
  EADDRINUSE: ADDRESS_IN_USE,
  EADDRNOTAVAIL: 'address not available on this host',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
};

/** `address already in use` for EADDRINUSE; node's message for anything else. */
export function describeListenCode(error: NodeJS.ErrnoException): string {
  return (error.code === undefined ? undefined : LISTEN_ERRORS[error.code]) ?? error.message;
}
