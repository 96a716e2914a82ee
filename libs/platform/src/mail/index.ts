export * from './mail.config';
export * from './smtp-sender';
