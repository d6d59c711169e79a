/** Two `painter serve` replicas on one PostgreSQL with the hnswlib store (the scenarios: replicas-suite.ts). */
import { replicaSuite } from './replicas-suite.js';

await replicaSuite('hnswlib');
