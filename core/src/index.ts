// The public entry of core: the only module web/ and executor-node/ import.

export type * from './model/diagnostic.ts';
export type * from './model/syntax.ts';
export type * from './model/instructions.ts';
export type * from './model/cdi.ts';
export type * from './model/options.ts';
export type * from './model/plan.ts';
export type * from './model/progress.ts';
