export * from './envelope';
export * from './topics';
export * from './organizations';
export * from './identity';
export * from './identity-flows';
export * from './registry';
