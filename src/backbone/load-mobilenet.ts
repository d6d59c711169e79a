/** The bundle reader under its former module name, which the benchmark's encoder section imports. */
export { nsfwjsIOHandler } from './nsfwjs-bundle.js';
