/**
 * Node's flags for the web host, given by every launcher (scripts/start-app.sh, the kiosk's
 * systemd unit from `till setup-kiosk --web`, the tests and the bench through
 * test/support/web-till.ts). V8 reads them when the process starts; they cannot be set
 * from inside it.
 *
 * --max-semi-space-size=2: V8's young generation is 3 semi-spaces of 16 MB by default on a
 * 64-bit machine, and the host's short-lived allocations (frames, JSON, bodies) fill them
 * between scavenges: ~35 MB of RSS on a long day for nothing. At 2 MB the host runs at
 * ~105-110 MB instead of ~140 MB after thousands of orders, for more frequent, smaller
 * scavenges (docs/performance.md has the figures).
 */
export const WEB_HOST_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
