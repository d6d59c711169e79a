/** Two `painter serve` replicas on one PostgreSQL with the pgvector store (the scenarios: replicas-suite.ts). */
import { replicaSuite } from './replicas-suite.js';

await replicaSuite('pgvector');
