import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './e2e-stack';

/**
 * A Kafka broker of the test's own (tools/kafka/start.sh with its own ports and data
 * directory), so stopping it never touches the shared broker on 9092.
 */
export class KafkaBroker {
  readonly dataDir: string;

  constructor(
    readonly port: number,
    readonly controllerPort: number,
    dataDirName: string,
  ) {
    this.dataDir = join(ROOT, '.tools', dataDirName);
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  start(): Promise<string> {
    return this.script('start.sh');
  }

  stop(): Promise<string> {
    return this.script('stop.sh');
  }

  /** Stops the broker and deletes its data. */
  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private script(name: string): Promise<string> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_PORT: String(this.port),
      KAFKA_CONTROLLER_PORT: String(this.controllerPort),
      KAFKA_DATA_DIR: this.dataDir,
    };
    delete env.KAFKA_BROKERS;
    return new Promise((resolve, reject) => {
      const child = spawn('bash', [join(ROOT, 'tools', 'kafka', name)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`tools/kafka/${name} exited ${code}: ${out}`))));
    });
  }
}
