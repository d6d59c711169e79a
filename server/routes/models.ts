import { z } from 'zod';
import { modelSummary, rocEvaluation } from '../../src/shapes/models.js';
import { defineRoute } from '../api/route.js';
import { rocQuery, versionParams } from '../http/params.js';

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
    method: 'get',
    path: '/api/models/:version/roc',
    access: 'read',
    tag: 'Models',
    summary: "A model's latest stored ROC evaluation on the test split",
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
