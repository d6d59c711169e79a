import { Router } from 'express';
import { calibrationRequest } from '../http/batch-schemas.js';
import { jsonBody } from '../http/body.js';
import { parse, rocQuery, versionSchema } from '../http/params.js';
import type { RouteDeps } from './deps.js';

export function modelsRoutes({ services, requireApiKey }: RouteDeps): Router {
  const r = Router();
  const version = (raw: unknown) => parse(versionSchema, raw, 'version');
  r.get('/api/models', async (_req, res) => {
    res.json(await services.models.list());
  });
  r.get('/api/models/:version', async (req, res) => {
    res.json(await services.models.get(version(req.params.version)));
  });
  // Which evaluation calibrates the model: { "evaluationId": n }, or null for its newest test-split one.
  r.put('/api/models/:version/calibration', requireApiKey, async (req, res) => {
    const { evaluationId } = parse(calibrationRequest, jsonBody(req));
    res.json(await services.models.chooseCalibration(version(req.params.version), evaluationId));
  });
  r.get('/api/models/:version/roc', async (req, res) => {
    res.json(await services.models.rocEvaluation(version(req.params.version)));
  });
  // Without ?model= the serving model's evaluation.
  r.get('/api/evaluations/roc', async (req, res) => {
    res.json(await services.models.rocEvaluation(parse(rocQuery, req.query).model));
  });
  return r;
}
