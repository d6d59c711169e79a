/**
 * The configuration: one default per setting, roles and introspection by environment, trust
 * proxy and CORS parsing, and a bad value reported as one line naming the variable (by the
 * library function and by every command of the program).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { INFERENCE_DEFAULTS, loadConfig } from '../../src/config.js';
import { isPainterError } from '../../src/errors.js';

const messageOf = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env);
    return 'ok';
  } catch (e) {
    return isPainterError(e) ? `${e.code}: ${e.message}` : String(e);
  }
};

describe('loadConfig', () => {
  it('takes PAINTER_API_KEYS and PAINTER_ADMIN_KEYS as admin keys, PAINTER_READ_KEYS as read keys', () => {
    const c = loadConfig({ PAINTER_API_KEYS: 'a, b', PAINTER_ADMIN_KEYS: 'c,a', PAINTER_READ_KEYS: 'r' });
    expect(c.adminKeys.sort()).toEqual(['a', 'b', 'c']);
    expect(c.readKeys).toEqual(['r']);
  });

  it('turns GraphQL introspection off in production unless told otherwise', () => {
    expect(loadConfig({}).graphqlIntrospection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).graphqlIntrospection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).graphqlIntrospection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', PAINTER_GRAPHQL_INTROSPECTION: 'true' }).graphqlIntrospection).toBe(true);
    expect(loadConfig({ PAINTER_GRAPHQL_INTROSPECTION: 'false' }).graphqlIntrospection).toBe(false);
  });

  it('reads trust proxy as a boolean, a hop count or addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ PAINTER_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ PAINTER_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ PAINTER_TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::1']);
    expect(messageOf({ PAINTER_TRUST_PROXY: '10.0.0.0/40' })).toMatch(/^CONFIG_INVALID: PAINTER_TRUST_PROXY: /);
  });

  it('reads CORS origins, and none by default', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ PAINTER_CORS_ORIGINS: 'https://a.example, http://localhost:3000' }).corsOrigins).toEqual(['https://a.example', 'http://localhost:3000']);
    expect(messageOf({ PAINTER_CORS_ORIGINS: 'https://a.example/app' })).toMatch(/^CONFIG_INVALID: PAINTER_CORS_ORIGINS: expected origins/);
  });

  it('picks the log format from the terminal unless set', () => {
    expect(loadConfig({}, {}, false).logFormat).toBe('json');
    expect(loadConfig({}, {}, true).logFormat).toBe('pretty');
    expect(loadConfig({ PAINTER_LOG_FORMAT: 'json' }, {}, true).logFormat).toBe('json');
  });

  it('has one default for the micro-batch settings', () => {
    const c = loadConfig({});
    expect({ maxBatch: c.maxBatch, batchWindowMs: c.batchWindowMs }).toEqual(INFERENCE_DEFAULTS);
  });

  it('reports a bad value as one line naming the variable, never echoing a key', () => {
    expect(messageOf({ PAINTER_MAX_BATCH: '999' })).toBe("CONFIG_INVALID: PAINTER_MAX_BATCH: expected at most 256 (got '999')");
    expect(messageOf({ PORT: 'eighty' })).toBe("CONFIG_INVALID: PORT: expected a number (got 'eighty')");
    expect(messageOf({ PAINTER_BACKEND: 'gpu' })).toMatch(/^CONFIG_INVALID: PAINTER_BACKEND: expected one of .*\(got 'gpu'\)$/);
    expect(messageOf({ PAINTER_GRAPHQL_INTROSPECTION: 'yes' })).toBe("CONFIG_INVALID: PAINTER_GRAPHQL_INTROSPECTION: expected true or false (got 'yes')");
    for (const m of [messageOf({ PAINTER_MAX_BATCH: '0' }), messageOf({ PORT: '-1' })]) expect(m.split('\n')).toHaveLength(1);
  });
});

describe('the program', () => {
  const bin = fileURLToPath(new URL('../../bin/painter.js', import.meta.url));
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    promisify(execFile)(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, timeout: 240_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  it.each([['serve'], ['models'], ['index'], ['evaluate']])('`painter %s` prints a bad setting as one line and exits 2', async (command) => {
    const r = await run([command], { PAINTER_MAX_BATCH: 'lots', PAINTER_DATA_DIR: '/nonexistent/painter' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(["error CONFIG_INVALID: PAINTER_MAX_BATCH: expected a number (got 'lots')"]);
  }, 300_000);
});
