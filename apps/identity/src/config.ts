import { baseConfigSchema, loadConfig } from '@wos/platform';

export const configSchema = baseConfigSchema.extend({
  PORT: baseConfigSchema.shape.PORT.default(3001),
});
export type AppConfig = ReturnType<typeof loadAppConfig>;

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(configSchema, env);
}
