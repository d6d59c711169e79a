/**
 * No Docker engine runs here, so the deployment files are checked as far as that allows: the
 * compose file parses as YAML and has the structure a scaled-out deployment needs (PostgreSQL with
 * pgvector, API replicas on pgvector sharing volumes, nginx in front on the published port), and
 * nginx's configuration sends to the API service on the port the replicas listen on.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const compose = parse(readFileSync(root('compose.yaml'), 'utf8'));
const nginx = readFileSync(root('deploy/nginx.conf'), 'utf8');

describe('compose.yaml', () => {
  it('runs PostgreSQL from the pgvector image with a health check', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'db', 'lb']);
    expect(compose.services.db.image).toMatch(/^pgvector\/pgvector:pg15$/);
    expect(compose.services.db.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(compose.services.db.volumes).toContain('pgdata:/var/lib/postgresql/data');
  });

  it('runs two API replicas on pgvector against that database, sharing the data and model volumes', () => {
    const api = compose.services.api;
    expect(api.build).toBe('.');
    expect(api.deploy.replicas).toBe(2);
    expect(api.ports).toBeUndefined();
    expect(api.environment.PAINTER_VECTOR_STORE).toBe('pgvector');
    expect(api.environment.DATABASE_URL).toMatch(/^postgresql:\/\/painter:.*@db:5432\/painter$/);
    expect(api.depends_on.db.condition).toBe('service_healthy');
    expect(api.volumes).toEqual(['data:/data', 'models:/models']);
    // The Dockerfile's data and model directories are those volumes.
    const dockerfile = readFileSync(root('Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/PAINTER_DATA_DIR=\/data/);
    expect(dockerfile).toMatch(/PAINTER_MODELS_DIR=\/models/);
    expect(Object.keys(compose.volumes).sort()).toEqual(['data', 'models', 'pgdata']);
  });

  it('puts nginx from its image in front, on the one published port, configured from deploy/', () => {
    const lb = compose.services.lb;
    expect(lb.image).toMatch(/^nginx:1\.(2[7-9]|[3-9]\d)/);
    expect(lb.ports).toEqual(['8080:8080']);
    expect(lb.volumes).toEqual(['./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro']);
    expect(lb.depends_on).toContain('api');
  });
});

describe('deploy/nginx.conf', () => {
  it('balances over every address of the api service on the port the replicas listen on', () => {
    const port = compose.services.api.environment.PORT;
    expect(nginx).toMatch(new RegExp(`server api:${port} resolve`));
    expect(nginx).toMatch(/resolver 127\.0\.0\.11/);
    expect(nginx).toMatch(/zone painter_api/);
    expect(nginx).toMatch(/proxy_pass http:\/\/painter_api;/);
    expect(nginx).toMatch(new RegExp(`listen ${compose.services.lb.ports[0].split(':')[1]};`));
  });

  it('has balanced braces and every directive ended', () => {
    const body = nginx.replace(/#.*$/gm, '');
    let depth = 0;
    for (const ch of body) {
      if (ch === '{') depth++;
      if (ch === '}') depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    for (const line of body.split('\n').map((l) => l.trim()).filter(Boolean)) expect(line).toMatch(/[;{}]$/);
  });

  it('allows uploads as large as the server does', () => {
    expect(Number(/client_max_body_size (\d+)m;/.exec(nginx)![1])).toBeGreaterThanOrEqual(25);
  });
});
