export * from './database';
export * from './migrator';
export * from './drift';
export * from './prisma-client';
export * from './pooled-prisma';
export * from './prisma-errors';
export * from './pg-transaction';
export * from './pg-listener';
