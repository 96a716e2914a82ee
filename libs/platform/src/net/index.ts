export * from './address-policy';
export * from './loopback-config';
