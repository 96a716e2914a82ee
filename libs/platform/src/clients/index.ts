export * from './organizations.client';
export * from './authorization.client';
