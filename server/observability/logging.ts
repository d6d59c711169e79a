/**
 * Logs: pino, one JSON object a line (or pino-pretty's readable lines on a terminal), on stderr
 * so that a command's stdout stays its output. pino-http writes one line per request with its
 * id (`x-request-id` when the client sent a sane one, else a fresh UUID, returned in the same
 * header), method, route pattern, status and latency. Headers are never serialised (keys and
 * Authorization cannot reach a log), nor are bodies (uploads).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import { pinoHttp } from 'pino-http';
import PinoPretty from 'pino-pretty';
import type { Config } from '../../src/config.js';
import type { Logger } from '../../src/services/index-service.js';
import { ROUTE_LOCAL } from '../api/mount.js';

export type { Pino };

/** Anything that could carry a key, wherever it turns up in a logged object. */
export const REDACTED_PATHS = [
  'req.headers',
  'res.headers',
  'headers',
  '*.headers',
  'authorization',
  '*.authorization',
  'apiKey',
  '*.apiKey',
  '"x-api-key"',
  '*["x-api-key"]',
];

export function createLogger(cfg: Pick<Config, 'logFormat' | 'logLevel'>, destination?: DestinationStream): Pino {
  const options = { level: cfg.logLevel, base: { pid: process.pid }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (destination) return pino(options, destination);
  if (cfg.logFormat === 'pretty') return pino(options, PinoPretty({ destination: 2, sync: true, colorize: process.stderr.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  // Synchronous: a line written just before the process exits (a CLI command, a crash) is not lost.
  return pino(options, pino.destination({ dest: 2, sync: true }));
}

/** The services' Logger interface over pino. */
export function serviceLogger(log: Pino): Logger {
  return { info: (m) => log.info(m), warn: (m) => log.warn(m) };
}

const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

export function requestLogger(log: Pino): RequestHandler {
  const middleware = pinoHttp<IncomingMessage, ServerResponse>({
    logger: log,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customAttributeKeys: { reqId: 'requestId', responseTime: 'ms' },
    quietReqLogger: true,
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({ method: req.method, url: (req.url ?? '').slice(0, 512) }),
      res: (res: ServerResponse) => ({ status: res.statusCode }),
    },
    // The route is known once routing ran: added to the finishing line only.
    customSuccessObject: (_req, res, line: object) => ({ ...line, route: routeOf(res) }),
    customErrorObject: (_req, res, _err, line: object) => ({ ...line, route: routeOf(res) }),
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${routeOf(res)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${routeOf(res)} ${res.statusCode}`,
  });
  return middleware as unknown as RequestHandler;
}

/** The matched route pattern; requests no route matched share one label (never the raw URL). */
export function routeOf(res: ServerResponse): string {
  const locals = (res as ServerResponse & { locals?: Record<string, unknown> }).locals;
  const route = locals?.[ROUTE_LOCAL];
  return typeof route === 'string' ? route : 'unmatched';
}
