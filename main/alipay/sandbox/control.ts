import type { IncomingMessage, ServerResponse } from 'node:http';
import { isTillError } from '../../errors';
import { parseStrict } from '../strict-json';
import { normalizeFaults, parseFaults, type FaultConfig } from './faults';
import type { SandboxGateway } from './gateway';
import { sendError, sendJson } from './http-io';

/**
 * /sandbox/*: how tests and the standalone sandbox command look inside and steer the
 * gateway. Loopback callers only (checked by the router): these endpoints change what a
 * payment answer says, which nobody on the network may do.
 */

/** A JSON FaultConfig object, or a JSON string in parseFaults form ("unknown=0.2,seed=7"). */
function faultsFrom(bytes: Buffer): FaultConfig {
  const value = parseStrict(bytes.toString('utf8'));
  return typeof value === 'string' ? parseFaults(value) : normalizeFaults(value);
}

export function serveControl(req: IncomingMessage, res: ServerResponse, path: string, gateway: SandboxGateway, bytes: Buffer): void {
  const route = `${req.method ?? ''} ${path}`;
  switch (route) {
    case 'GET /sandbox/orders':
      sendJson(res, 200, gateway.book.list());
      return;
    case 'GET /sandbox/tombstones':
      sendJson(res, 200, gateway.book.tombstones());
      return;
    case 'GET /sandbox/stats':
      sendJson(res, 200, gateway.snapshot());
      return;
    case 'GET /sandbox/faults':
      sendJson(res, 200, gateway.faults.current());
      return;
    case 'POST /sandbox/faults': {
      let faults: FaultConfig;
      try {
        faults = faultsFrom(bytes);
      } catch (error) {
        const message = isTillError(error) ? error.message : `the body must be JSON: ${error instanceof Error ? error.message : 'unreadable'}`;
        sendError(res, 400, 'bad_faults', message);
        return;
      }
      gateway.faults.set(faults);
      sendJson(res, 200, gateway.faults.current());
      return;
    }
    default:
      sendError(res, 404, 'not_found', `no control endpoint ${route}; try GET /sandbox/orders, GET /sandbox/tombstones, GET /sandbox/stats, GET or POST /sandbox/faults`);
  }
}
