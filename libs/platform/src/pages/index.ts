export * from './html';
export * from './html-response';
export * from './locale';
