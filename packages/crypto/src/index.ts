export type * from './provider.js';
