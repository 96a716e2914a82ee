export * from './organizations.client';
