export * from './internal-auth';
export * from './zod.pipe';
export * from './environment.decorator';
export * from './exception.filter';
export * from './health';
export * from './metrics';
export * from './openapi';
export * from './bootstrap';
