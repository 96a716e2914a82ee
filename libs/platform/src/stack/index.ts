export * from './catalogue';
export * from './stack';
