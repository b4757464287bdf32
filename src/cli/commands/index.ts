import type { Command } from 'commander';
import type { Io } from '../io.js';
import { registerCompile } from './compile.js';
import { registerDiff } from './diff.js';
import { registerExplain } from './explain.js';
import { registerLab } from './lab.js';
import { registerLint } from './lint.js';
import { registerMatrix } from './matrix.js';
import { registerSelector } from './selector.js';
import { registerTest } from './test.js';
import { registerVerify } from './verify.js';

/** Adds one command (with its options and action) to the program. */
export type Registration = (program: Command, io: Io, setExit: (code: number) => void) => void;

export const registrations: Registration[] = [registerCompile, registerLint, registerExplain, registerTest, registerDiff, registerSelector, registerMatrix, registerVerify, registerLab];
