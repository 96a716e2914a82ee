export * from './secret-box';
export * from './service-keys';
export * from './workos-signature';
export * from './reseal';
