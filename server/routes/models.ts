import { z } from 'zod';
import { modelSummary, rocEvaluation } from '../../src/shapes/models.js';
import { defineRoute } from '../api/route.js';
import { calibrationRequest } from '../http/batch-schemas.js';
import { jsonBody } from '../http/body.js';
import { parse, rocQuery, versionParams } from '../http/params.js';

export const modelRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/models',
    access: 'read',
    tag: 'Models',
    summary: 'Model versions with their training curves',
    responses: { 200: { description: 'Every model version', schema: z.array(modelSummary) } },
    handle: ({ services }) => services.models.list(),
  }),
  defineRoute({
    method: 'get',
    path: '/api/models/:version',
    access: 'read',
    tag: 'Models',
    summary: 'One model version',
    params: versionParams,
    responses: { 200: { description: 'The model version', schema: modelSummary } },
    errors: ['MODEL_NOT_FOUND'],
    handle: ({ params, services }) => services.models.get(params.version),
  }),
  defineRoute({
    method: 'put',
    path: '/api/models/:version/calibration',
    access: 'admin',
    tag: 'Models',
    summary: "Choose the evaluation that calibrates a model's answers",
    description:
      'The "same painter?" threshold and probability, the artist ranking and the open-set rule come from this evaluation of the model. `null` returns to the default: its newest evaluation on the test split of its own dataset.',
    params: versionParams,
    body: { json: calibrationRequest, required: true },
    responses: { 200: { description: 'The model version, with `calibration` saying which evaluation calibrates it', schema: modelSummary } },
    errors: ['MODEL_NOT_FOUND', 'EVALUATION_NOT_FOUND'],
    handle: ({ params, req, services }) => services.models.chooseCalibration(params.version, parse(calibrationRequest, jsonBody(req)).evaluationId),
  }),
  defineRoute({
    method: 'get',
    path: '/api/models/:version/roc',
    access: 'read',
    tag: 'Models',
    summary: 'The evaluation that calibrates a model: its ROC and what else it measured',
    description: "Its newest test-split evaluation unless another was chosen (`PUT /api/models/{version}/calibration`, `painter calibrate`).",
    params: versionParams,
    responses: { 200: { description: 'The evaluation', schema: rocEvaluation } },
    errors: ['MODEL_NOT_FOUND', 'EVALUATION_NOT_FOUND'],
    handle: ({ params, services }) => services.models.rocEvaluation(params.version),
  }),
  defineRoute({
    method: 'get',
    path: '/api/evaluations/roc',
    access: 'read',
    tag: 'Models',
    summary: "The ROC evaluation of `model`, or of the serving model",
    query: rocQuery,
    responses: { 200: { description: 'The evaluation', schema: rocEvaluation } },
    errors: ['MODEL_NOT_FOUND', 'EVALUATION_NOT_FOUND'],
    handle: ({ query, services }) => services.models.rocEvaluation(query.model),
  }),
];
