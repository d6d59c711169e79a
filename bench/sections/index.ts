/**
 * The benchmark sections, in the order they run. Each measures one comparison side by side in
 * the same process, so the ratios it reports hold on a shared, noisy machine.
 */
import type { BenchSection } from '../lib/types.js';
import { hnswSection } from './hnsw.js';
import { httpSection } from './http.js';
import { decodeSection } from './decode.js';
import { encoderSection } from './encoder.js';
import { peakFlopsSection } from './peak-flops.js';
import { trainingSection } from './training.js';

export const SECTIONS: readonly BenchSection[] = [peakFlopsSection, encoderSection, decodeSection, trainingSection, hnswSection, httpSection];
