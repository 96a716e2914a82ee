export * from './address-policy';
export * from './loopback-config';
export * from './outbound-sender';
