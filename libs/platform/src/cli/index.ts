export * from './command';
export * from './runner';
export * from './api-client';
export * from './dead-letters.command';
export * from './main';
export * from './backup.command';
export * from './secrets.command';
