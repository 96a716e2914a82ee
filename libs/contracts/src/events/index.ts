export * from './envelope';
export * from './topics';
export * from './organizations';
export * from './directory-sync';
export * from './sso';
export * from './identity';
export * from './identity-flows';
export * from './registry';
