export * from './catalogue';
export * from './stack';
export * from './run.config';
export * from './threadpool';
