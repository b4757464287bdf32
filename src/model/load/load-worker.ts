import { parentPort, workerData } from 'node:worker_threads';
import type { LoadSource } from './load.js';
import { loadForTransfer } from './transfer.js';

/*
 * Entry of a loader thread (parallel.ts): loads the files it was given and sends them back
 * in one message. The line-start arrays are moved, not copied. A bug thrown here reaches
 * the main thread as the worker's 'error' event.
 */
const sources = (workerData as { sources: LoadSource[] }).sources;
const files = sources.map(loadForTransfer);
const moved = files.flatMap((file) => (file.loaded ? [file.starts.buffer as ArrayBuffer] : []));
parentPort?.postMessage(files, moved);
